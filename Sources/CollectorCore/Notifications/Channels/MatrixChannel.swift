import CollectorRules
import Crypto
import CurlClient
import DowntimeProtocol
import Foundation

/// A Matrix room message through the client-server API: `PUT /_matrix/client/v3/rooms/{room}/send/m.room.message/{txn}`
/// under the homeserver's URL, with the access token (`token=`) as a bearer and the room id (`room=!id:server`).
/// The transaction id is made from the message itself, so a retry of the same message is the same transaction
/// and the homeserver stores it once.
enum MatrixChannel: NotificationChannel {
    static let requiredOptions = ["room", "token"]

    struct Body: Encodable {
        var msgtype = "m.text"
        var body: String
    }

    static func request(_ notification: Notification, spec: NotifierSpec) throws -> CurlRequest {
        let room = spec.options["room"] ?? ""
        // Every character but the unreserved ones escaped: `!` and `:` of a room id included.
        let escaped = room.addingPercentEncoding(
            withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-._~")))
        return CurlRequest(
            url: base(spec.url) + "/_matrix/client/v3/rooms/\(escaped ?? room)/send/m.room.message/"
                + transactionID(notification, spec: spec),
            method: .put,
            headers: [jsonHeader, "Authorization: Bearer \(spec.options["token"] ?? "")"] + spec.headers,
            body: try WireCoding.encode(Body(body: "\(notification.title)\n\(notification.text)")))
    }

    /// `dtm-` and 32 hex digits of the SHA-256 of the channel, the kind, the devices, the time and the words.
    static func transactionID(_ n: Notification, spec: NotifierSpec) -> String {
        let facts = [
            spec.name, n.kind.rawValue, n.devices.joined(separator: ","), String(n.at.timeIntervalSince1970),
            n.title, n.text,
        ].joined(separator: "\u{1F}")
        return "dtm-" + SHA256.hash(data: Array(facts.utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    static func validate(_ spec: NotifierSpec) throws(WireValidationError) {
        let room = spec.options["room"] ?? ""
        guard room.hasPrefix("!"), room.contains(":") else {
            throw WireValidationError(
                field: "DOWNTIME_NOTIFY", "\(spec.name): room must be a room id such as !abc:matrix.org")
        }
    }
}
