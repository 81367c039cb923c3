import DowntimeProtocol

/// A configuration the agent cannot run with; the shell prints it as one line and exits 2.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
