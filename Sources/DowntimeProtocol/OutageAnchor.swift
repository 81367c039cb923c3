#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The one rule that dates the end of an outage reported without one, its agent's clock not being synced yet
/// (DESIGN: Gap detection on the agent): the device was back when it booted, and not before the outage began.
/// For both sides: the agent, once its clock is synced, and the collector at receipt (receipt time − `uptime_s`).
extension OutageReport {
    /// Seconds as the wire carries durations and uptimes: rounded to the millisecond, never negative.
    public static func roundedSeconds(_ seconds: Double) -> Double { (max(seconds, 0) * 1000).rounded() / 1000 }

    /// The outage ended at `bootedAt`, or at its start if that is later (clocks disagree by a little);
    /// `durationS` is end − start in `roundedSeconds`, absent without a start.
    ///
    /// Only `end` and `durationS` change. `clockSynced` and `uptimeS` are the caller's: the agent, anchoring
    /// with its own synced clock, marks the report synced and drops the uptime; the collector keeps both as
    /// the agent sent them.
    public func anchored(bootedAt: Date) -> OutageReport {
        var report = self
        let end = max(bootedAt, start ?? bootedAt)
        report.end = end
        report.durationS = start.map { Self.roundedSeconds(end.timeIntervalSince($0)) }
        return report
    }
}
