import CollectorRules
import CurlClient
import DowntimeProtocol
import Foundation

/// A Slack incoming webhook: `{"text"}` with the title in bold.
enum SlackChannel: NotificationChannel {
    static func request(_ notification: Notification, spec: NotifierSpec) throws -> CurlRequest {
        CurlRequest(
            url: spec.url, headers: [jsonHeader] + spec.headers,
            body: try WireCoding.encode(["text": "*\(notification.title)*\n\(notification.text)"]))
    }
}
