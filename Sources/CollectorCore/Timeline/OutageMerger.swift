import DowntimeProtocol
import Foundation

/// Joins the collector's view (missed beats) with the agent's view (gap detection) into one outage list.
public enum OutageMerger {
    /// Returns the outages, oldest first.
    ///
    /// An agent report and a collector down period that overlap (within `slack`) are one outage:
    /// cause and end from the agent, start the later of the two "last known alive" times (the last
    /// beat usually refines the agent's persisted time). A down period the agent never explained is
    /// `network` when the agent reported the collector unreachable over it, else `unknown`.
    public static func merge(
        down: [DownPeriod], reported: [ReportedOutage], unreachable: [DateInterval],
        slack: TimeInterval, now: Date
    ) -> [OutageView] {
        var used = Array(repeating: false, count: down.count)
        var result: [OutageView] = []
        for r in reported {
            let rStart = r.start ?? r.end
            var start = r.start
            var source = "agent"
            for (i, d) in down.enumerated() where !used[i] {
                let dEnd = d.end ?? now
                guard d.start <= r.end + slack, dEnd >= rStart - slack else { continue }
                used[i] = true
                source = "merged"
                if d.start <= r.end { start = max(start ?? d.start, d.start) }
            }
            let s = start ?? r.end
            result.append(OutageView(start: s, end: r.end, durationS: max(0, r.end.timeIntervalSince(s)),
                                     cause: r.cause, source: source))
        }
        for (i, d) in down.enumerated() where !used[i] {
            let dEnd = d.end ?? now
            let cut = unreachable.contains { $0.start <= dEnd && $0.end >= d.start }
            result.append(OutageView(start: d.start, end: d.end, durationS: max(0, dEnd.timeIntervalSince(d.start)),
                                     cause: cut ? .network : .unknown, source: "collector"))
        }
        return result.sorted { $0.start < $1.start }
    }
}
