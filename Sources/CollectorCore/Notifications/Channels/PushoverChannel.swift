import CollectorRules
import CurlClient
import DowntimeProtocol
import Foundation

/// Pushover's message API (`POST /1/messages.json` under the given base, `https://api.pushover.net`): the
/// application's `token=` and the `user=` key; title and message within Pushover's limits (250 and 1,024
/// characters); `priority=` (-2 to 1) for every message, else 0; a critical device's down at 1.
enum PushoverChannel: NotificationChannel {
    static let requiredOptions = ["token", "user"]

    struct Body: Encodable {
        var token: String
        var user: String
        var title: String
        var message: String
        var priority: Int
        var timestamp: Int
    }

    static func request(_ notification: Notification, spec: NotifierSpec) throws -> CurlRequest {
        let configured = try priority(spec)
        let body = Body(
            token: spec.options["token"] ?? "", user: spec.options["user"] ?? "",
            title: String(notification.title.prefix(250)), message: String(notification.text.prefix(1024)),
            priority: notification.critical ? 1 : configured, timestamp: Int(notification.at.timeIntervalSince1970))
        return CurlRequest(
            url: base(spec.url) + "/1/messages.json", headers: [jsonHeader] + spec.headers,
            body: try WireCoding.encode(body))
    }

    /// The `priority=` option: 2 (emergency) needs retry and expiry settings this channel does not send.
    static func priority(_ spec: NotifierSpec) throws(WireValidationError) -> Int {
        guard let text = spec.options["priority"] else { return 0 }
        guard let p = Int(text), (-2...1).contains(p) else {
            throw WireValidationError(field: "DOWNTIME_NOTIFY", "\(spec.name): priority must be -2, -1, 0 or 1")
        }
        return p
    }

    static func validate(_ spec: NotifierSpec) throws(WireValidationError) {
        _ = try priority(spec)
    }
}
