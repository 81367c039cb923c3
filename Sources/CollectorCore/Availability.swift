import DowntimeProtocol
import Foundation

/// Uptime shares over the last 24 h / 7 d / 30 d, from outages and the time nothing could be known.
public enum Availability {
    /// Returns the share of known time in `[now - window, now]` (clipped to `since`) the device was up,
    /// or nil when no time of that window is known. `unknown` periods (collector away, paused) are left
    /// out of both sides; `network` outages do not count as downtime, since the device itself was up.
    public static func share(
        window: TimeInterval, now: Date, since: Date, outages: [OutageView], unknown: [DateInterval]
    ) -> Double? {
        let from = max(now - window, since)
        guard now > from else { return nil }
        let span = DateInterval(start: from, end: now)
        let unknownUnion = union(unknown.compactMap { clip($0, to: span) })
        let known = span.duration - unknownUnion.reduce(0) { $0 + $1.duration }
        guard known > 0 else { return nil }
        let downs = outages.filter { $0.cause != .network }.compactMap {
            clip(DateInterval(start: $0.start, end: max($0.start, $0.end ?? now)), to: span)
        }
        var down = 0.0
        for d in union(downs) {
            down += d.duration - union(unknownUnion.compactMap { clip($0, to: d) }).reduce(0) { $0 + $1.duration }
        }
        return min(1, max(0, 1 - down / known))
    }

    /// All three standard windows at once.
    public static func view(now: Date, since: Date, outages: [OutageView], unknown: [DateInterval]) -> UptimeView {
        UptimeView(
            day: share(window: 86_400, now: now, since: since, outages: outages, unknown: unknown),
            week: share(window: 7 * 86_400, now: now, since: since, outages: outages, unknown: unknown),
            month: share(window: 30 * 86_400, now: now, since: since, outages: outages, unknown: unknown))
    }

    static func clip(_ i: DateInterval, to span: DateInterval) -> DateInterval? {
        let s = max(i.start, span.start)
        let e = min(i.end, span.end)
        return e > s ? DateInterval(start: s, end: e) : nil
    }

    static func union(_ intervals: [DateInterval]) -> [DateInterval] {
        var out: [DateInterval] = []
        for i in intervals.sorted(by: { $0.start < $1.start }) {
            if let last = out.last, i.start <= last.end {
                out[out.count - 1] = DateInterval(start: last.start, end: max(last.end, i.end))
            } else {
                out.append(i)
            }
        }
        return out
    }
}
