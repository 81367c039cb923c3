import DowntimeProtocol
import Foundation

/// A configuration value that could not be used; `key` names the flag or variable.
public struct ConfigError: Error, CustomStringConvertible {
    public var key: String
    public var message: String
    public var description: String { "\(key): \(message)" }
    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }
}
