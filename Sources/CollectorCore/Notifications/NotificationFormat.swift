import CurlClient
import DowntimeProtocol
import Foundation

/// The request each channel wants for a notification (pure).
public enum NotificationFormat {
    struct Webhook: Encodable {
        var event: String
        var devices: [String]
        var device: String?
        var title: String
        var message: String
        var at: Date
        var outage: OutageView?
    }

    public static func request(_ n: Notification, for spec: NotifierSpec) throws -> CurlRequest {
        let json = "Content-Type: application/json"
        switch spec.kind {
        case .webhook:
            let body = Webhook(event: n.kind.rawValue, devices: n.devices, device: n.devices.count == 1 ? n.devices[0] : nil,
                               title: n.title, message: n.text, at: n.at, outage: n.outage)
            return CurlRequest(url: spec.url, headers: [json] + spec.headers, body: try WireCoding.encode(body))
        case .ntfy:
            let priority = spec.options["priority"] ?? (n.kind == .down || n.kind == .group ? "high" : "default")
            return CurlRequest(url: spec.url, headers: ["Title: \(n.title)", "Priority: \(priority)",
                                                        "Tags: \(n.kind == .up ? "white_check_mark" : n.kind == .new ? "new" : "warning")"]
                               + spec.headers, body: Array(n.text.utf8))
        case .slack:
            return CurlRequest(url: spec.url, headers: [json] + spec.headers,
                               body: try WireCoding.encode(["text": "*\(n.title)*\n\(n.text)"]))
        case .discord:
            return CurlRequest(url: spec.url, headers: [json] + spec.headers,
                               body: try WireCoding.encode(["content": "**\(n.title)**\n\(n.text)"]))
        case .telegram:
            var base = spec.url
            while base.hasSuffix("/") { base.removeLast() }
            return CurlRequest(url: "\(base)/bot\(spec.options["bot_token"] ?? "")/sendMessage", headers: [json] + spec.headers,
                               body: try WireCoding.encode(["chat_id": spec.options["chat_id"] ?? "", "text": "\(n.title)\n\(n.text)"]))
        case .email:
            let from = spec.options["from"] ?? "", to = (spec.options["to"] ?? "").split(separator: ",").map(String.init)
            let message = """
                From: DowntimeMon <\(from)>\r
                To: \(to.joined(separator: ", "))\r
                Subject: \(n.title)\r
                Date: \(rfc5322(n.at))\r
                MIME-Version: 1.0\r
                Content-Type: text/plain; charset=utf-8\r
                Content-Transfer-Encoding: 8bit\r
                \r
                \(n.text.replacingOccurrences(of: "\n", with: "\r\n"))\r

                """
            return CurlRequest(url: spec.url, body: Array(message.utf8),
                               smtp: .init(from: from, to: to, user: spec.options["user"], password: spec.options["password"],
                                           requireTLS: spec.options["starttls"] != "no"))
        }
    }

    static func rfc5322(_ d: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return f.string(from: d)
    }
}
