import CurlClient
import DowntimeProtocol
import Foundation

/// A configured notification channel: `name=kind url option=value ...` in `DOWNTIME_NOTIFY` (`;`-separated).
public struct NotifierSpec: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case webhook, ntfy, slack, discord, telegram, email
    }

    public var name: String
    public var kind: Kind
    public var url: String
    /// `header:Name=Value` (webhook), `chat_id`, `bot_token` (telegram), `from`, `to`, `user`, `password`,
    /// `starttls=no` (email), `priority` (ntfy).
    public var options: [String: String]
    public var headers: [String]

    /// Reads one spec, e.g. `phone=ntfy https://ntfy.sh/freezer` or
    /// `mail=email smtp://mail.lan:587 from=dt@lan to=me@lan user=dt password=secret`.
    public static func parse(_ text: String) throws(WireValidationError) -> NotifierSpec {
        let words = text.split(separator: " ").map(String.init)
        guard words.count >= 2, let eq = words[0].firstIndex(of: "=") else {
            throw WireValidationError(field: "DOWNTIME_NOTIFY", "expected NAME=KIND URL [option=value ...]")
        }
        let name = String(words[0][..<eq]), kindText = String(words[0][words[0].index(after: eq)...])
        guard DeviceName.isValid(name) else { throw WireValidationError(field: "DOWNTIME_NOTIFY", "bad notifier name \(name)") }
        guard let kind = Kind(rawValue: kindText) else {
            throw WireValidationError(field: "DOWNTIME_NOTIFY", "kind must be one of " + Kind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let url = words[1]
        let schemes = kind == .email ? ["smtp://", "smtps://"] : ["http://", "https://"]
        guard schemes.contains(where: { url.hasPrefix($0) }) else {
            throw WireValidationError(field: "DOWNTIME_NOTIFY", "\(name): URL must start with " + schemes.joined(separator: " or "))
        }
        var options: [String: String] = [:], headers: [String] = []
        for w in words.dropFirst(2) {
            guard let e = w.firstIndex(of: "=") else { throw WireValidationError(field: "DOWNTIME_NOTIFY", "\(name): option \(w) needs =") }
            let k = String(w[..<e]), v = String(w[w.index(after: e)...])
            if k.hasPrefix("header:") {
                headers.append("\(k.dropFirst(7)): \(v)")
            } else {
                options[k] = v
            }
        }
        let required: [String] = switch kind {
        case .telegram: ["bot_token", "chat_id"]
        case .email: ["from", "to"]
        default: []
        }
        for r in required where options[r] == nil {
            throw WireValidationError(field: "DOWNTIME_NOTIFY", "\(name): \(kind.rawValue) needs \(r)=...")
        }
        return NotifierSpec(name: name, kind: kind, url: url, options: options, headers: headers)
    }
}

/// Something worth telling people, in words and facts.
public struct Notification: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case down, up, new, flapping, group, test
        /// An agent cannot write its state folder (read-only, full, failing).
        case storage
        /// A device's firmware reports under-voltage (damped like flapping).
        case underVoltage = "under_voltage"
    }

    public var kind: Kind
    public var devices: [String]
    public var title: String
    public var text: String
    public var at: Date
    public var outage: OutageView?

    public init(kind: Kind, devices: [String], title: String, text: String, at: Date, outage: OutageView? = nil) {
        self.kind = kind
        self.devices = devices
        self.title = title
        self.text = text
        self.at = at
        self.outage = outage
    }
}

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
