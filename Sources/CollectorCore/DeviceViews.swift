import DowntimeProtocol
import Foundation

/// A device's stored record with the status liveness gives it right now.
public struct LiveDevice: Sendable, Equatable {
    public var record: DeviceRecord
    public var status: DeviceStatus
    public init(record: DeviceRecord, status: DeviceStatus) {
        self.record = record
        self.status = status
    }
}

/// Builds the read-side `DeviceView` (pure).
public enum DeviceViews {
    /// Returns the view of `device` at `now`, its outages merged from `timeline`.
    public static func view(_ device: LiveDevice, timeline: DeviceTimeline, now: Date,
                            policy: LivenessPolicy, defaultInterval: Int) -> DeviceView {
        let r = device.record
        let interval = r.interval(default: defaultInterval)
        let outages = timeline.outages(slack: Double(interval) + policy.grace, now: now)
        let current = device.status == .down ? outages.last(where: { $0.end == nil }) : nil
        let last = outages.last(where: { $0.end != nil })
        return DeviceView(
            name: r.name, status: device.status, lastSeen: r.beat?.at, intervalS: interval,
            agentVersion: r.beat?.agentVersion, bootID: r.beat?.bootID, clockSkewS: r.beat?.clockSkewS,
            clockSynced: r.beat?.clockSynced, uptimeS: r.beat?.uptimeS, currentOutage: current, lastOutage: last,
            uptime: timeline.firstSeen.map { Availability.view(now: now, since: $0, outages: outages, unknown: timeline.unknown) }
                ?? UptimeView(day: nil, week: nil, month: nil),
            tags: r.tags)
    }
}
