import DowntimeProtocol
import Foundation

/// One device's alert state as the pages and the API show it.
public struct DeviceAlertState: Sendable, Equatable {
    /// The acknowledgement of its current outage (nil when it is not down or not acknowledged).
    public var acknowledged: DeviceAlerts.Ack?
    /// Until when it is snoozed (nil when it is not, or no longer).
    public var snoozedUntil: Date?
    public var critical: Bool

    public init(_ alerts: DeviceAlerts, record: DeviceRecord, now: Date) {
        let ack = alerts.acks[record.name]
        acknowledged =
            record.status == .down && ack.map { DeviceAlerts.same($0.since, record.statusSince) } == true ? ack : nil
        snoozedUntil = alerts.snoozedUntil[record.name].flatMap { $0 > now ? $0 : nil }
        critical = alerts.critical.contains(record.name)
    }
}
