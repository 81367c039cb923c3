import DowntimeProtocol
import Foundation

/// One attempt to deliver a notification, as the delivery log keeps it.
public struct DeliveryRecord: Sendable, Equatable {
    public var at: Date
    public var devices: [String]
    public var notifier: String
    public var kind: String
    public var attempt: Int
    public var ok: Bool
    public var detail: String

    public init(at: Date, devices: [String], notifier: String, kind: String, attempt: Int, ok: Bool, detail: String) {
        self.at = at
        self.devices = devices
        self.notifier = notifier
        self.kind = kind
        self.attempt = attempt
        self.ok = ok
        self.detail = detail
    }
}
