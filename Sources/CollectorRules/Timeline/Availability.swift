import DowntimeProtocol
import Foundation

/// Uptime shares over the last 24 h / 7 d / 30 d, from outages and the time nothing could be known.
public enum Availability {
    /// Returns the share of known time in `[now - window, now]` (clipped to `since`) the device was up,
    /// or nil when no time of that window is known. `unknown` periods (collector away, paused, unreachable, agent
    /// gaps) are left out of both sides; `network` and `agentGap` outages are no downtime: the device itself was up.
    public static func share(
        window: TimeInterval, now: Date, since: Date, outages: [OutageView], unknown: [DateInterval]
    ) -> Double? {
        let (down, known) = downAndKnown(
            from: now - window, to: now, now: now, since: since, outages: outages, unknown: unknown)
        return share(down: down, known: known)
    }

    /// The share of `known` seconds that were not `down`, in [0, 1]; nil when nothing is known.
    public static func share(down: TimeInterval, known: TimeInterval) -> Double? {
        known > 0 ? min(1, max(0, 1 - down / known)) : nil
    }

    /// Seconds of downtime and of known time in `[from, to]`, clipped to `[since, now]`.
    public static func downAndKnown(
        from: Date, to: Date, now: Date, since: Date, outages: [OutageView], unknown: [DateInterval]
    ) -> (down: TimeInterval, known: TimeInterval) {
        let start = max(from, since)
        let end = min(to, now)
        guard end > start else { return (0, 0) }
        // Most devices most days: nothing to subtract.
        if unknown.isEmpty && !outages.contains(where: isDowntime) {
            return (0, end.timeIntervalSince(start))
        }
        let span = DateInterval(start: start, end: end)
        let unknownUnion = union(unknown.compactMap { clip($0, to: span) })
        let known = span.duration - unknownUnion.reduce(0) { $0 + $1.duration }
        let downs = outages.filter(isDowntime).compactMap {
            clip(DateInterval(start: $0.start, end: max($0.start, $0.end ?? now)), to: span)
        }
        var down = 0.0
        for period in union(downs) {
            down +=
                period.duration
                - union(unknownUnion.compactMap { clip($0, to: period) }).reduce(0) { $0 + $1.duration }
        }
        return (max(0, down), max(0, known))
    }

    /// Whether an outage is the device's downtime: not a `network` cut (the device was up, the collector could not
    /// hear it) nor an `agentGap` (the device was up, its agent stopped; also unknown time, see `DeviceViews`).
    public static func isDowntime(_ outage: OutageView) -> Bool {
        outage.cause != .network && outage.cause != .agentGap
    }

    /// One UTC day of the availability bar.
    public struct Day: Sendable, Equatable {
        public var start: Date
        public var down: TimeInterval
        public var known: TimeInterval
        /// Outages (downtime only) that overlap the day.
        public var outages: Int = 0
    }

    /// The last `count` UTC days, oldest first, the last one being today (so far).
    public static func days(_ count: Int, now: Date, since: Date?, outages: [OutageView], unknown: [DateInterval])
        -> [Day]
    {
        let today = (now.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400
        return (0..<count).map { index in
            let start = Date(timeIntervalSince1970: today - Double(count - 1 - index) * 86_400)
            guard let since else { return Day(start: start, down: 0, known: 0) }
            let (down, known) = downAndKnown(
                from: start, to: start + 86_400, now: now, since: since,
                outages: outages, unknown: unknown)
            let end = start + 86_400
            let count =
                down > 0 ? outages.filter { isDowntime($0) && $0.start < end && ($0.end ?? now) > start }.count : 0
            return Day(start: start, down: down, known: known, outages: count)
        }
    }

    /// All three standard windows at once.
    public static func view(now: Date, since: Date, outages: [OutageView], unknown: [DateInterval]) -> UptimeView {
        UptimeView(
            day: share(window: 86_400, now: now, since: since, outages: outages, unknown: unknown),
            week: share(window: 7 * 86_400, now: now, since: since, outages: outages, unknown: unknown),
            month: share(window: 30 * 86_400, now: now, since: since, outages: outages, unknown: unknown))
    }

    package static func clip(_ i: DateInterval, to span: DateInterval) -> DateInterval? {
        let start = max(i.start, span.start)
        let end = min(i.end, span.end)
        return end > start ? DateInterval(start: start, end: end) : nil
    }

    package static func union(_ intervals: [DateInterval]) -> [DateInterval] {
        var out: [DateInterval] = []
        for interval in intervals.sorted(by: { $0.start < $1.start }) {
            if let last = out.last, interval.start <= last.end {
                out[out.count - 1] = DateInterval(start: last.start, end: max(last.end, interval.end))
            } else {
                out.append(interval)
            }
        }
        return out
    }
}
