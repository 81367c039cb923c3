/// What a service check looks at, with its target typed.
public enum CheckKind: Sendable, Equatable {
    /// A systemd unit's ActiveState, SubState and Result.
    case systemd(unit: String)
    /// A TCP connection within the timeout.
    case tcp(host: String, port: Int)
    /// An HTTP(S) GET answered 2xx/3xx (or the given status).
    case http(url: String)
    /// A container that runs (and is healthy, when it has a health check), from the Docker Engine API.
    case container(name: String)
    /// Used space on the file system of `path` under `maxPercent`.
    case disk(path: String, maxPercent: Int)
    /// The SoC temperature under `maxCelsius`.
    case temp(maxCelsius: Double)
    /// A program run without a shell: exit code 0 is ok.
    case command(path: String)

    /// The word before the colon in `NAME=KIND:TARGET`.
    public var word: String {
        switch self {
        case .systemd: "systemd"
        case .tcp: "tcp"
        case .http: "http"
        case .container: "container"
        case .disk: "disk"
        case .temp: "temp"
        case .command: "command"
        }
    }

    public static let words = ["systemd", "tcp", "http", "container", "disk", "temp", "command"]

    /// Runs that can hang (a network, a program) take a timeout; reading a file system or a sensor does not.
    var takesTimeout: Bool {
        switch self {
        case .disk, .temp: false
        default: true
        }
    }
}
