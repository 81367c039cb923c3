import CollectorRules
import CurlClient
import DowntimeProtocol
import Foundation

/// Gotify's `POST /message` under the server's URL, with the application token in `X-Gotify-Key` (`token=`):
/// title, message and priority (8 for a down, so that the app makes a sound; 4 otherwise; `priority=` for all).
enum GotifyChannel: NotificationChannel {
    static let requiredOptions = ["token"]

    struct Body: Encodable {
        var title: String
        var message: String
        var priority: Int
    }

    static func request(_ notification: Notification, spec: NotifierSpec) throws -> CurlRequest {
        let down = notification.kind == .down || notification.kind == .group || notification.kind == .incident
        let body = Body(
            title: notification.title, message: notification.text,
            priority: spec.options["priority"].flatMap(Int.init) ?? (down ? 8 : 4))
        return CurlRequest(
            url: base(spec.url) + "/message",
            headers: [jsonHeader, "X-Gotify-Key: \(spec.options["token"] ?? "")"] + spec.headers,
            body: try WireCoding.encode(body))
    }

    static func validate(_ spec: NotifierSpec) throws(WireValidationError) {
        if let p = spec.options["priority"], Int(p).map({ (0...10).contains($0) }) != true {
            throw WireValidationError(field: "DOWNTIME_NOTIFY", "\(spec.name): priority must be 0 to 10")
        }
    }
}
