import DowntimeProtocol
import Foundation

/// Joins the collector's view (missed beats) with the agent's view (gap detection) into one outage list.
public enum OutageMerger {
    /// Returns the outages, oldest first.
    ///
    /// An agent report and a collector down period that overlap (within `slack`) and end together (the collector's
    /// period lasts until the agent is back, within `slack`) are one outage:
    /// cause and end from the agent, start the later of the two "last known alive" times (the last
    /// beat usually refines the agent's persisted time). A down period that begins as the collector came back
    /// (`collectorAway`'s end) begins at the restart, not at a beat: it refines nothing (campaign seed 373: a power
    /// loss during a collector kill was recorded from the restart, 7 s after the cut). A down period the agent never explained is
    /// `network` when the agent's collector-unreachable reports cover it but for at most `slack` in all (its first
    /// failed post comes up to an interval after its last beat; its first post through is the collector's first beat
    /// back), else `unknown`: a cut of a few seconds inside a longer silence does not explain the rest of it.
    /// Before either: a period that began with the agent's clean stop and ended after its restart in the same boot is
    /// an `agentGap` (docs/DESIGN.md "Agent gaps"): the boot id says the device never went down. The silence before
    /// the stop may be longer than the slack where the collector was away (`collectorAway`) or the agent's
    /// unreachable reports cover it (`CleanStop.opening`).
    public static func merge(
        down: [DownPeriod], reported: [ReportedOutage], unreachable: [DateInterval], cleanStops: [CleanStop] = [],
        collectorAway: [DateInterval] = [], slack: TimeInterval, now: Date
    ) -> [OutageView] {
        var used = Array(repeating: false, count: down.count)
        var result: [OutageView] = []
        for report in reported {
            let reportStart = report.start ?? report.end
            var start = report.start
            var source = "agent"
            for (index, period) in down.enumerated() where !used[index] {
                let periodEnd = period.end ?? now
                // The device beats again only after it is back: a down period of this outage lasts until the report's
                // end (within the slack). One that ended before it is an earlier outage that merely touches this one's
                // start (a clean stop, then a power loss seconds later; docs/DESIGN.md "Liveness on the collector"),
                // and keeps its own row.
                guard period.start <= report.end + slack, periodEnd >= report.end - slack,
                    periodEnd >= reportStart - slack
                else { continue }
                used[index] = true
                source = "merged"
                let fromRestart = collectorAway.contains { abs($0.end.timeIntervalSince(period.start)) < 0.5 }
                if period.start <= report.end, !fromRestart || start == nil {
                    start = max(start ?? period.start, period.start)
                }
            }
            let outageStart = start ?? report.end
            result.append(
                OutageView(
                    start: outageStart, end: report.end,
                    durationS: max(0, report.end.timeIntervalSince(outageStart)),
                    cause: report.cause, source: source))
        }
        for (index, period) in down.enumerated() where !used[index] {
            let periodEnd = period.end ?? now
            let uncovered =
                periodEnd.timeIntervalSince(period.start) - covered(period.start, periodEnd, by: unreachable)
            let cut = unreachable.contains { $0.start <= periodEnd && $0.end >= period.start } && uncovered <= slack
            // Still open, the agent's silence may be the device's own shutdown: only its return decides.
            let gap =
                period.end != nil
                && CleanStop.opening(
                    period.start, end: periodEnd, in: cleanStops, explained: unreachable + collectorAway, slack: slack
                )?.restartedAt.map {
                    $0 <= periodEnd + slack
                } == true
            result.append(
                OutageView(
                    start: period.start, end: period.end,
                    durationS: max(0, periodEnd.timeIntervalSince(period.start)),
                    cause: gap ? .agentGap : cut ? .network : .unknown, source: "collector"))
        }
        return result.sorted { $0.start < $1.start }
    }

    /// Seconds of `start...end` inside the intervals (overlaps counted once).
    package static func covered(_ start: Date, _ end: Date, by intervals: [DateInterval]) -> TimeInterval {
        var total: TimeInterval = 0
        var reached = start
        for i in intervals.sorted(by: { $0.start < $1.start }) {
            let from = max(i.start, reached)
            let to = min(i.end, end)
            guard to > from else { continue }
            total += to.timeIntervalSince(from)
            reached = to
        }
        return total
    }
}
