#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The part of the Docker Engine API's `GET /containers/NAME/json` answer a `container` check reads
/// (podman's compatible API answers alike).
public struct ContainerState: Sendable, Equatable, Decodable {
    public struct Health: Sendable, Equatable, Decodable {
        /// `healthy`, `unhealthy`, `starting`; podman says "" for a container without a health check.
        public var status: String
        /// The newest health check run's output (Docker keeps the last few in `Log`).
        public var lastOutput: String

        public init(status: String, lastOutput: String = "") {
            self.status = status
            self.lastOutput = lastOutput
        }

        private struct Run: Decodable {
            var output: String?
            enum CodingKeys: String, CodingKey { case output = "Output" }
        }

        enum CodingKeys: String, CodingKey {
            case status = "Status"
            case log = "Log"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            status = try c.decodeIfPresent(String.self, forKey: .status) ?? ""
            lastOutput = (try c.decodeIfPresent([Run].self, forKey: .log))?.last?.output ?? ""
        }
    }

    public var running: Bool
    /// `created`, `running`, `paused`, `restarting`, `removing`, `exited`, `dead`.
    public var status: String
    public var paused: Bool
    public var restarting: Bool
    public var exitCode: Int
    /// The runtime's error text when the container could not start.
    public var error: String
    public var health: Health?

    public init(
        running: Bool, status: String, paused: Bool = false, restarting: Bool = false, exitCode: Int = 0,
        error: String = "", health: String? = nil
    ) {
        self.running = running
        self.status = status
        self.paused = paused
        self.restarting = restarting
        self.exitCode = exitCode
        self.error = error
        self.health = health.map { Health(status: $0) }
    }

    enum CodingKeys: String, CodingKey {
        case running = "Running"
        case status = "Status"
        case paused = "Paused"
        case restarting = "Restarting"
        case exitCode = "ExitCode"
        case error = "Error"
        case health = "Health"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        running = try c.decode(Bool.self, forKey: .running)
        status = try c.decode(String.self, forKey: .status)
        paused = try c.decodeIfPresent(Bool.self, forKey: .paused) ?? false
        restarting = try c.decodeIfPresent(Bool.self, forKey: .restarting) ?? false
        exitCode = try c.decodeIfPresent(Int.self, forKey: .exitCode) ?? 0
        error = try c.decodeIfPresent(String.self, forKey: .error) ?? ""
        health = try c.decodeIfPresent(Health.self, forKey: .health)
    }

    private struct Inspect: Decodable {
        var state: ContainerState
        enum CodingKeys: String, CodingKey { case state = "State" }
    }

    /// The `State` object of an inspect answer; nil when the body is not one.
    public static func parse(_ body: [UInt8]) -> ContainerState? {
        try? JSONDecoder().decode(Inspect.self, from: Data(body)).state
    }
}
