import Foundation
import NIOSSL
import Synchronization

/// The collector's certificate and key (PEM files), loaded into the TLS context new connections use.
/// Reloading swaps the context under a lock: connections already open keep the one they started with.
public final class ServerTLS: Sendable {
    public let certFile: String
    public let keyFile: String
    private struct State {
        var context: NIOSSLContext
        /// The files as they were at the last attempt, loaded or not: a failed pair is not retried until it changes.
        var tried: TLSFileStamp
        var notValidAfter: Date
    }
    private let state: Mutex<State>

    /// Loads both files; a bad file or a key that does not fit the certificate is a `ConfigError` naming it.
    public init(certFile: String, keyFile: String) throws {
        self.certFile = certFile
        self.keyFile = keyFile
        let stamp = TLSFileStamp(certFile: certFile, keyFile: keyFile)
        let (context, notAfter) = try Self.load(certFile: certFile, keyFile: keyFile)
        state = Mutex(State(context: context, tried: stamp, notValidAfter: notAfter))
    }

    /// The context for a connection being accepted now.
    public var context: NIOSSLContext { state.withLock { $0.context } }

    /// When the certificate being served expires.
    public var notValidAfter: Date { state.withLock { $0.notValidAfter } }

    public enum ReloadResult: Sendable, Equatable {
        case unchanged
        case reloaded(notValidAfter: Date)
        case failed(String)
    }

    /// Loads the files again when they changed since the last attempt (or always, when `force`, as on SIGHUP).
    /// A failure keeps the certificate being served.
    public func reload(force: Bool) -> ReloadResult {
        let stamp = TLSFileStamp(certFile: certFile, keyFile: keyFile)
        let changed = state.withLock { (s: inout State) -> Bool in
            guard force || s.tried != stamp else { return false }
            s.tried = stamp
            return true
        }
        guard changed else { return .unchanged }
        do {
            let (context, notAfter) = try Self.load(certFile: certFile, keyFile: keyFile)
            state.withLock {
                $0.context = context
                $0.notValidAfter = notAfter
            }
            return .reloaded(notValidAfter: notAfter)
        } catch {
            return .failed((error as? ConfigError)?.description ?? "\(error)")
        }
    }

    static func load(certFile: String, keyFile: String) throws -> (NIOSSLContext, Date) {
        func read(_ path: String, _ key: String) throws -> [UInt8] {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigError(key: key, message: "cannot read \(path)")
            }
            return [UInt8](data)
        }
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMBytes(try read(certFile, "--tls-cert"))
        } catch let e as ConfigError {
            throw e
        } catch {
            throw ConfigError(key: "--tls-cert", message: "\(certFile) holds no readable PEM certificate")
        }
        guard let leaf = chain.first else {
            throw ConfigError(key: "--tls-cert", message: "\(certFile) holds no PEM certificate")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(bytes: try read(keyFile, "--tls-key"), format: .pem)
        } catch let e as ConfigError {
            throw e
        } catch {
            throw ConfigError(key: "--tls-key", message: "\(keyFile) holds no readable PEM private key (not encrypted)")
        }
        var config = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(key))
        config.applicationProtocols = ["http/1.1"]
        do {
            return (
                try NIOSSLContext(configuration: config), Date(timeIntervalSince1970: TimeInterval(leaf.notValidAfter))
            )
        } catch {
            throw ConfigError(
                key: "--tls-key", message: "the key in \(keyFile) does not belong to the certificate in \(certFile)")
        }
    }
}
