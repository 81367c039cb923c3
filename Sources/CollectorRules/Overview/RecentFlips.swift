import DowntimeProtocol
import Foundation

/// A device's recorded flips of late, for "flapping" and "recently back".
public struct RecentFlips: Sendable, Equatable {
    /// When each recorded flip to `down` happened (within the window the caller looked at): each is one outage, so
    /// the first heartbeat (`new` → `up`) and a return never count towards flapping.
    public var downs: [Date] = []
    /// The newest flip from `down` to `up`.
    public var lastBack: Date?

    public init(downs: [Date] = [], lastBack: Date? = nil) {
        self.downs = downs
        self.lastBack = lastBack
    }

    /// Reads the flips at or after `since` from a device's log rows (any order). The down and up flips of an agent gap
    /// (docs/DESIGN.md "Agent gaps"; found with `slack`, the device's interval plus grace) are left out: the device
    /// was not down, so a stopped agent neither flaps nor comes "back up".
    public static func of(_ rows: [StoredEvent], since: Date, slack: TimeInterval = 0) -> RecentFlips {
        var r = RecentFlips()
        var gapFlips: Set<Date> = []
        // Merged only for a device whose agent stopped cleanly of late: most have no such row.
        if rows.contains(where: { $0.event.kind == .shutdown && $0.event.at >= since - slack }) {
            for gap in DeviceTimeline(rows: rows, now: since).outages(slack: slack, now: since)
            where gap.cause == .agentGap {
                gapFlips.insert(gap.start)
                if let end = gap.end { gapFlips.insert(end) }
            }
        }
        for row in rows where row.event.at >= since {
            guard case .flip(let f) = row.event.payload else { continue }
            if f.to == .down || f.from == .down, gapFlips.contains(row.event.at) { continue }
            if f.to == .down { r.downs.append(row.event.at) }
            if f.from == .down, f.to == .up {
                r.lastBack = max(r.lastBack ?? row.event.at, row.event.at)
            }
        }
        return r
    }
}
