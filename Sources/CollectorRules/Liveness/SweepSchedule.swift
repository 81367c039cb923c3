import Foundation

/// When the liveness sweep runs next: at its regular interval, or sooner when a device's down deadline
/// comes first, so that `down` is seen at the deadline rather than up to one interval after it.
public enum SweepSchedule {
    /// Seconds to wait before the next sweep: until just past `nextDown` when that is within `every`,
    /// else `every`; never less than `minimum`, so that many deadlines close together cost few sweeps.
    public static func delay(nextDown: Date?, now: Date, every: TimeInterval, minimum: TimeInterval = 0.05)
        -> TimeInterval
    {
        guard let nextDown else { return every }
        // Just past: the deadline itself is already `down` (Liveness counts from it on).
        let untilDeadline = nextDown.timeIntervalSince(now) + 0.002
        return min(every, max(minimum, untilDeadline))
    }
}
