import CollectorRules
import CurlClient
import DowntimeProtocol
import Foundation

/// A Discord webhook: `{"content"}` with the title in bold.
enum DiscordChannel: NotificationChannel {
    static func request(_ notification: Notification, spec: NotifierSpec) throws -> CurlRequest {
        CurlRequest(
            url: spec.url, headers: [jsonHeader] + spec.headers,
            body: try WireCoding.encode(["content": "**\(notification.title)**\n\(notification.text)"]))
    }
}
