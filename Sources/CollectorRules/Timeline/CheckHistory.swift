import DowntimeProtocol
import Foundation

/// A check's history from its stored flips (pure): failing spans as its "outages", unknown spans (its own, and the
/// device's time not up) as unknown time, so the device page draws its 30-day bar as it draws the device's.
public enum CheckHistory {
    /// Failing and unknown spans of one check, from its flips (any order) up to `now`.
    public static func spans(_ flips: [CheckFlip], now: Date) -> (failing: [DateInterval], unknown: [DateInterval]) {
        var failing: [DateInterval] = []
        var unknown: [DateInterval] = []
        let ordered = flips.sorted { $0.at < $1.at }
        for (i, f) in ordered.enumerated() {
            let end = i + 1 < ordered.count ? ordered[i + 1].at : now
            guard end > f.at else { continue }
            let span = DateInterval(start: f.at, end: end)
            switch f.record.to {
            case .failing: failing.append(span)
            case .unknown: unknown.append(span)
            case .ok: break
            }
        }
        return (failing, unknown)
    }

    /// The last `count` UTC days of one check: failing time as downtime; the device's own outages and unknown time
    /// (`deviceAway`) are unknown for its checks too.
    public static func days(_ flips: [CheckFlip], count: Int, now: Date, deviceAway: [DateInterval] = [])
        -> [Availability.Day]
    {
        let (failing, unknown) = spans(flips, now: now)
        let outages = failing.map {
            OutageView(start: $0.start, end: $0.end, durationS: $0.duration, cause: .unknown, source: "check")
        }
        return Availability.days(
            count, now: now, since: flips.map(\.at).min(), outages: outages, unknown: unknown + deviceAway)
    }
}
