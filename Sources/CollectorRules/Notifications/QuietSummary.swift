import DowntimeProtocol
import Foundation

/// What a channel's summary at the end of its quiet hours says (docs/DESIGN.md "Quiet hours"): the outages whose down
/// or up message fell in the window (and the other messages held, `with`), from the devices' stored outages (so a restart loses nothing). Pure. Left out:
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

    /// Another message held in the window, from the store: a new device, a service check's change, an agent's storage
    /// problem, a power warning, a job's problem or its end, a UPS event (`device` is then the UPS).
    public struct Note: Sendable, Equatable {
        public enum What: Sendable, Equatable {
            case new
            case check(name: String, to: CheckState, detail: String)
            case storage(StorageState)
            case powerWarning(PowerWarningState, String)
            case ups(String)
            /// A job's problem beginning or ending (its `job_flip` row).
            case job(JobFlipRecord)
        }
        public var device: String
        public var at: Date
        public var what: What
    }

    public var window: DateInterval
    /// Oldest first.
    public var lines: [Line]
    /// Oldest first.
    public var notes: [Note] = []

    public init(window: DateInterval, lines: [Line], notes: [Note] = []) {
        self.window = window
        self.lines = lines
        self.notes = notes
    }

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

    /// The summary with the window's other held messages: devices first seen (`firstSeen`), the devices' `check`,
    /// `storage` and `power_warning` rows (`logRows` may hold any), and UPS events; snoozed devices' left out.
    public func with(
        firstSeen: [String: Date], logRows: [StoredEvent], ups: [StoredUPSEvent], alerts: DeviceAlerts, now: Date
    ) -> QuietSummary {
        let inWindow = { (d: Date) in d >= window.start && d < window.end }
        var notes = firstSeen.filter { inWindow($0.value) }.map { Note(device: $0.key, at: $0.value, what: .new) }
        for row in logRows where inWindow(row.event.at) {
            let what: Note.What
            switch row.event.payload {
            case .check(let r): what = .check(name: r.name, to: r.to, detail: r.detail)
            case .storage(let state, _): what = .storage(state)
            case .powerWarning(let state, let words): what = .powerWarning(state, words)
            case .jobFlip(let f) where f.from.isProblem || f.to.isProblem: what = .job(f)
            default: continue
            }
            notes.append(Note(device: row.event.device, at: row.event.at, what: what))
        }
        notes = notes.filter { !alerts.isSnoozed($0.device, now: now) }
        notes += ups.filter { inWindow($0.at) }.map { Note(device: $0.ups, at: $0.at, what: .ups($0.event.summary)) }
        var out = self
        out.notes = notes.sorted { ($0.at, $0.device) < ($1.at, $1.device) }
        return out
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

    /// How long after the window's end a message may still be one the summary told: the planner holds a down for its
    /// group window and an up for `settle`, and a tick may come late.
    public static let afterglow: TimeInterval = 300

    /// True when this summary, sent, already told what `plan` says: the down (or the return) of a device whose outage
    /// it names, held by the planner past the window's end. Told twice otherwise (docs/DESIGN.md "Quiet hours"); a
    /// down the summary did not name (detected after it was built) is not this and goes out.
    public func alreadyTells(_ plan: NotificationPlanner.Planned, now: Date) -> Bool {
        guard now >= window.end, now <= window.end + Self.afterglow, plan.devices.count == 1,
            let device = plan.devices.first
        else { return false }
        let slack = NotificationPlanner.memberSlack
        switch plan.kind {
        case .down:
            return lines.contains { l in
                l.device == device && plan.at >= l.start - slack && plan.at <= (l.end ?? window.end) + slack
            }
        case .up:
            return lines.contains { l in
                l.device == device && l.end.map { abs($0.timeIntervalSince(plan.at)) <= 2 * slack } ?? false
            }
        default:
            return false
        }
    }
}
