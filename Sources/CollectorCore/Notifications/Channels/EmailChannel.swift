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
            Content-Type: text/plain; charset=utf-8\r
            Content-Transfer-Encoding: 8bit\r
            \r
            \(notification.text.replacingOccurrences(of: "\n", with: "\r\n"))\r

            """
        return CurlRequest(
            url: spec.url, body: Array(message.utf8),
            smtp: .init(
                from: from, to: recipients, user: spec.options["user"],
                password: spec.options["password"], requireTLS: spec.options["starttls"] != "no"))
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
