import CollectorRules
import CurlClient
import DowntimeProtocol
import Foundation

/// A JSON POST of the whole notification to any URL (`header:Name=Value` options add headers).
enum WebhookChannel: NotificationChannel {
    struct Body: Encodable {
        var event: String
        var devices: [String]
        var device: String?
        var title: String
        var message: String
        var at: Date
        var outage: OutageView?
        var ackURL: String?
        var critical: Bool

        enum CodingKeys: String, CodingKey {
            case event, devices, device, title, message, at, outage, critical
            case ackURL = "ack_url"
        }
    }

    static func request(_ notification: Notification, spec: NotifierSpec) throws -> CurlRequest {
        let body = Body(
            event: notification.kind.rawValue, devices: notification.devices,
            device: notification.devices.count == 1 ? notification.devices[0] : nil,
            title: notification.title, message: notification.text, at: notification.at,
            outage: notification.outage, ackURL: notification.ackURL, critical: notification.critical)
        return CurlRequest(url: spec.url, headers: [jsonHeader] + spec.headers, body: try WireCoding.encode(body))
    }
}
