import DowntimeProtocol
import Foundation

/// What a channel's summary at the end of its quiet hours says (docs/DESIGN.md "Quiet hours"): the outages whose down
/// or up message fell in the window, from the devices' stored outages (so a restart loses nothing). Pure. Left out:
/// snoozed devices, acknowledged outages (someone already knows), and what ended and was only flapping (a device's
/// outages each shorter than `bounce`). A device's outages less than `damp` apart are one line, as the planner's
/// damping makes them one message.
public struct QuietSummary: Sendable, Equatable {
    /// One device's outage (or bounces merged into one) in the window.
    public struct Line: Sendable, Equatable {
        public var device: String
        public var start: Date
        /// Nil while it is still down at the window's end.
        public var end: Date?
        /// How many outages the line merges.
        public var outages: Int
        /// Seconds down in all (the outages' own durations, up to the window's end for one going on).
        public var down: TimeInterval
        /// The cause of its latest outage.
        public var cause: OutageCause
    }

    public var window: DateInterval
    /// Oldest first.
    public var lines: [Line]

    /// An outage that ended within this is a bounce: alone (or with other bounces only), left out.
    public static let bounce: TimeInterval = 60

    /// The summary of `window` at `now` (its end or a little later) from each device's outages. `reminds`: the channel
    /// has reminders, so a device down since before the window and still down is told too (its reminders were held).
    public static func make(
        window: DateInterval, now: Date, outages: [String: [OutageView]], alerts: DeviceAlerts, reminds: Bool,
        damp: TimeInterval, bounce: TimeInterval = bounce
    ) -> QuietSummary {
        var lines: [Line] = []
        for (device, list) in outages where !alerts.isSnoozed(device, now: now) {
            let inWindow = list.filter { o in
                guard o.cause != .agentGap, o.start < window.end, (o.end ?? now) > window.start else { return false }
                let startedIn = o.start >= window.start
                let endedIn = o.end.map { $0 <= window.end } ?? false
                return startedIn || endedIn || reminds
            }
            for episode in merged(inWindow.sorted { $0.start < $1.start }, damp: damp) {
                guard let last = episode.last, let first = episode.first else { continue }
                let end = last.end.flatMap { $0 <= window.end ? $0 : nil }
                if end != nil && episode.allSatisfy({ $0.durationS < bounce }) { continue }
                if alerts.isAcked(device, since: last.start, now: now) { continue }
                let down = episode.reduce(0.0) { sum, o in
                    sum + max(0, min(o.end ?? window.end, window.end).timeIntervalSince(o.start))
                }
                lines.append(
                    Line(
                        device: device, start: first.start, end: end, outages: episode.count, down: down,
                        cause: last.cause))
            }
        }
        return QuietSummary(window: window, lines: lines.sorted { ($0.start, $0.device) < ($1.start, $1.device) })
    }

    /// Sorted outages less than `damp` apart, together.
    static func merged(_ outages: [OutageView], damp: TimeInterval) -> [[OutageView]] {
        var out: [[OutageView]] = []
        for o in outages {
            if let end = out.last?.last?.end, o.start.timeIntervalSince(end) < damp {
                out[out.count - 1].append(o)
            } else {
                out.append([o])
            }
        }
        return out
    }
}
