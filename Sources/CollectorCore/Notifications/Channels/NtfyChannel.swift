import CollectorRules
import CurlClient
import Foundation

/// ntfy: the text as the body, title, priority (`priority=` option, else high for down) and a tag as headers.
enum NtfyChannel: NotificationChannel {
    static func request(_ notification: Notification, spec: NotifierSpec) throws -> CurlRequest {
        let kind = notification.kind
        let priority = spec.options["priority"] ?? (kind == .down || kind == .group ? "high" : "default")
        let tag =
            kind == .up || kind == .checkOk || kind == .jobOk ? "white_check_mark" : kind == .new ? "new" : "warning"
        return CurlRequest(
            url: spec.url,
            headers: ["Title: \(notification.title)", "Priority: \(priority)", "Tags: \(tag)"]
                + spec.headers, body: Array(notification.text.utf8))
    }
}
