import CollectorRules
import CurlClient
import DowntimeProtocol
import Foundation

/// Telegram's Bot API `sendMessage` under the given base URL (`bot_token=` and `chat_id=` options).
enum TelegramChannel: NotificationChannel {
    static let requiredOptions = ["bot_token", "chat_id"]

    static func request(_ notification: Notification, spec: NotifierSpec) throws -> CurlRequest {
        let body = ["chat_id": spec.options["chat_id"] ?? "", "text": "\(notification.title)\n\(notification.text)"]
        return CurlRequest(
            url: "\(base(spec.url))/bot\(spec.options["bot_token"] ?? "")/sendMessage",
            headers: [jsonHeader] + spec.headers, body: try WireCoding.encode(body))
    }
}
