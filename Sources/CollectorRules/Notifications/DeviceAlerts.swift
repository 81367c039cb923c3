import Foundation

/// What people said about a device's messages (docs/DESIGN.md "Acknowledge, snooze, critical"), as stored: which
/// outage was acknowledged, until when a device is snoozed, which devices are critical. Pure: the notifier is given
/// it every tick (`PlannerInput.alerts`), and it decides from it and a frozen `now` what goes out.
public struct DeviceAlerts: Sendable, Equatable {
    /// An outage acknowledged: the one that began at `since`, by whom ("link" for the message's link) and when.
    public struct Ack: Sendable, Equatable {
        public var since: Date
        public var at: Date
        public var by: String

        /// `by` for an acknowledgement through a message's link without a login.
        public static let viaLink = "link"

        /// How the pages say who: "via link", or "by NAME".
        public var who: String { by == Self.viaLink ? "via link" : "by \(by)" }

        public init(since: Date, at: Date, by: String) {
            self.since = since
            self.at = at
            self.by = by
        }
    }

    public var acks: [String: Ack]
    public var snoozedUntil: [String: Date]
    public var critical: Set<String>
    /// The incidents still going on: a member's acknowledgement acknowledges its incident.
    public var incidents: [Incident]

    public init(
        acks: [String: Ack] = [:], snoozedUntil: [String: Date] = [:], critical: Set<String> = [],
        incidents: [Incident] = []
    ) {
        self.acks = acks
        self.snoozedUntil = snoozedUntil
        self.critical = critical
        self.incidents = incidents
    }

    /// The same outage start: a time read back from the store may differ from the one in memory in its last bits.
    public static func same(_ a: Date, _ b: Date) -> Bool { abs(a.timeIntervalSince(b)) < 0.001 }

    /// True while `device` is snoozed: no message about it at all.
    public func isSnoozed(_ device: String, now: Date) -> Bool {
        snoozedUntil[device].map { now < $0 } ?? false
    }

    /// True when the outage of `device` that began at `since` is acknowledged: its own, or that of another member of
    /// an incident it is in (one incident, one acknowledgement).
    public func isAcked(_ device: String, since: Date, now: Date) -> Bool {
        if let ack = acks[device], Self.same(ack.since, since) { return true }
        let slack = NotificationPlanner.memberSlack
        for incident in incidents {
            guard let me = incident.members.first(where: { $0.device == device }),
                me.start - slack <= since, since <= (me.end ?? now) + slack
            else { continue }
            let acked = incident.members.contains { m in
                guard let ack = acks[m.device] else { return false }
                return ack.since >= m.start - slack && ack.since <= (m.end ?? now) + slack
            }
            if acked { return true }
        }
        return false
    }

    /// The down devices (name → down since) still reminded of: not acknowledged, not snoozed.
    public func remindable(_ down: [String: Date], now: Date) -> [String: Date] {
        down.filter { name, since in !isSnoozed(name, now: now) && !isAcked(name, since: since, now: now) }
    }

    /// A planned message as it goes out: nil when every device it is about is snoozed; a grouped message without its
    /// snoozed devices; marked `critical` when it tells a critical device's down. A UPS's message is no device's.
    public func applied(to plan: NotificationPlanner.Planned, now: Date) -> NotificationPlanner.Planned? {
        guard plan.kind != .ups, plan.kind != .test else { return plan }
        var out = plan
        let awake = plan.devices.filter { !isSnoozed($0, now: now) }
        guard !awake.isEmpty else { return nil }
        // An incident's words come from the incident itself: it goes out whole while one member is not snoozed.
        if plan.kind != .incident { out.devices = awake }
        if !plan.jobs.isEmpty {
            // A group of jobs keeps the jobs of devices not snoozed; one left is that job's own message.
            out.jobs = plan.jobs.filter { awake.contains($0.device) }
            if out.jobs.count == 1, let only = out.jobs.first {
                out = NotificationPlanner.jobMessage(plan.kind, [only]) ?? out
            }
        }
        let tellsDown =
            plan.kind == .down || (plan.kind == .group && plan.direction != .up)
            || (plan.kind == .incident && plan.incident?.end == nil)
        out.critical = tellsDown && awake.contains { critical.contains($0) }
        return out
    }
}
