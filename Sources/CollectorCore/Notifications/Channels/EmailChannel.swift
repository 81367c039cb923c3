import CollectorRules
import CurlClient
import Foundation

/// Mail through an SMTP server (`from=`, `to=` a comma list, `user=`/`password=`, `starttls=no` to allow plain).
enum EmailChannel: NotificationChannel {
    static let schemes = ["smtp://", "smtps://"]
    static let requiredOptions = ["from", "to"]

    static func request(_ notification: Notification, spec: NotifierSpec) throws -> CurlRequest {
        let from = spec.options["from"] ?? ""
        let recipients = (spec.options["to"] ?? "").split(separator: ",").map(String.init)
        let message = """
            From: DowntimeMon <\(from)>\r
            To: \(recipients.joined(separator: ", "))\r
            Subject: \(notification.title)\r
            Date: \(rfc5322(notification.at))\r
            MIME-Version: 1.0\r
            \(body(notification))
            """
        return CurlRequest(
            url: spec.url, body: Array(message.utf8),
            smtp: .init(
                from: from, to: recipients, user: spec.options["user"],
                password: spec.options["password"], requireTLS: spec.options["starttls"] != "no"))
    }

    /// The body with its content headers: plain text, or (with `html`) a multipart/alternative of the text and the
    /// HTML, text first so that a reader without HTML shows it. Lines end in CRLF, as SMTP wants.
    static func body(_ n: Notification, boundary: String = "dtm-" + UUID().uuidString) -> String {
        func crlf(_ text: String) -> String { text.replacingOccurrences(of: "\n", with: "\r\n") }
        let plain = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n"
        guard let html = n.html else { return plain + "\r\n" + crlf(n.text) + "\r\n" }
        return "Content-Type: multipart/alternative; boundary=\"\(boundary)\"\r\n\r\n"
            + "--\(boundary)\r\n\(plain)\r\n\(crlf(n.text))\r\n"
            + "--\(boundary)\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + "\(crlf(html))\r\n--\(boundary)--\r\n"
    }

    /// SMTP answers 250 for an accepted message (libcurl may report 0 when it does not keep the last code).
    static func delivered(status: Int) -> Bool {
        status == 250 || status == 0 || (200..<300).contains(status)
    }

    static func rfc5322(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
