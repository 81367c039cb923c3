import CollectorRules
import CurlClient
import DowntimeProtocol
import Foundation

/// One kind of notification channel, in a file of its own under `Channels/` (as Healthchecks keeps one folder per
/// integration): what its URL and options must be, and the request a notification becomes (pure).
/// Adding a channel: a new file here and a case in `NotifierSpec.Kind` (the compiler asks for its `channel`).
protocol NotificationChannel {
    /// URL schemes the channel accepts.
    static var schemes: [String] { get }
    /// Options `DOWNTIME_NOTIFY` must give for this channel.
    static var requiredOptions: [String] { get }
    static func request(_ notification: Notification, spec: NotifierSpec) throws -> CurlRequest
    /// Whether the receiver's answer means the message was taken.
    static func delivered(status: Int) -> Bool
    /// Checks the channel's own options at start-up (a bad value is one line naming it).
    static func validate(_ spec: NotifierSpec) throws(WireValidationError)
}

extension NotificationChannel {
    static var schemes: [String] { ["http://", "https://"] }
    static var requiredOptions: [String] { [] }
    static func delivered(status: Int) -> Bool { (200..<300).contains(status) }
    static func validate(_ spec: NotifierSpec) throws(WireValidationError) {}

    static var jsonHeader: String { "Content-Type: application/json" }

    /// A service's base URL (`https://api.telegram.org/`) without its trailing slashes, for the API path after it.
    static func base(_ url: String) -> String {
        var b = url
        while b.hasSuffix("/") { b.removeLast() }
        return b
    }
}
