#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The one rule for dating the end of an outage whose agent could not (DESIGN: Gap detection on the agent):
/// the device was back when it booted, never before the outage began.
extension OutageReport {
    /// Seconds as the wire carries durations and uptimes: rounded to the millisecond, never negative.
    public static func roundedSeconds(_ seconds: Double) -> Double { (max(seconds, 0) * 1000).rounded() / 1000 }

    /// The outage ended at `bootedAt`, or at its start if that is later (clocks disagree by a little);
    /// `durationS` is end − start in `roundedSeconds`, absent without a start.
    ///
    /// Only `end` and `durationS` change. `clockSynced` and `uptimeS` are the caller's: the agent, anchoring
    /// with its own synced clock, marks the report synced and drops the uptime; the collector, anchoring with
    /// its clock at receipt (bootedAt = received − uptime_s), keeps both as the agent sent them.
    public func anchored(bootedAt: Date) -> OutageReport {
        var report = self
        let end = max(bootedAt, start ?? bootedAt)
        report.end = end
        report.durationS = start.map { Self.roundedSeconds(end.timeIntervalSince($0)) }
        return report
    }
}
