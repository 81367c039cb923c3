import Foundation
import NIOCore

/// Why the collector could not start listening, as one sentence naming the flag or variable to change.
public enum ListenProblem {
    /// The sentence for `error`, raised before the server listened on `config.host`:`config.port`.
    public static func sentence(_ error: any Error, config: CollectorConfig) -> String {
        let address = "\(config.host):\(config.port)"
        let port = config.origin(.port)
        let host = config.origin(.host)
        if let io = error as? IOError {
            let why = FileProblem.text(io.errnoCode)
            switch io.errnoCode {
            case EADDRINUSE:
                return "cannot listen on \(address) (\(port)): \(why): another program (a second collector?) "
                    + "listens there; stop it or choose another port with --port or DOWNTIME_PORT"
            case EACCES:
                return "cannot listen on \(address) (\(port)): \(why): ports under 1024 need root or "
                    + "CAP_NET_BIND_SERVICE; choose a port from 1024 up"
            case EADDRNOTAVAIL:
                return "cannot listen on \(address) (\(host)): \(why): \(config.host) is not an address of this "
                    + "machine; use 0.0.0.0 for all of them, or one of its own addresses"
            default:
                return "cannot listen on \(address) (\(host), \(port)): \(why)"
            }
        }
        if error is SocketAddressError {
            return "cannot listen on \(address) (\(host)): \(config.host) is not a known host name or address; "
                + "use 0.0.0.0, 127.0.0.1 or one of this machine's addresses"
        }
        return "cannot listen on \(address) (\(host), \(port)): \(error)"
    }
}
