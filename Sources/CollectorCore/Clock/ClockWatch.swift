import Foundation

/// What the collector knows of its own wall clock: steps seen, and whether it is synchronised.
/// Pure: fed readings of both clocks and the kernel's sync state.
public struct ClockWatch: Sendable, Equatable {
    public enum Change: Sendable, Equatable {
        /// The wall clock stepped by this many seconds (positive: ahead).
        case jump(TimeInterval)
        /// The clock is (or started) unsynchronised.
        case unsynced
        /// It became synchronised; `offset` is how far the wall clock moved against the monotonic one
        /// over the whole unsynced time, i.e. how wrong the wall times read meanwhile were.
        case synced(offset: TimeInterval, unsyncedSince: CollectorTime)
        /// It stepped back (by `offset`) to where it was before a step found at `since`, within an hour: what was
        /// read in between was off by `-offset`. The step came at most `gap` seconds before `since` (the readings'
        /// distance then).
        case steppedBack(offset: TimeInterval, since: CollectorTime, gap: TimeInterval)
    }

    private var detector: ClockStepDetector
    public private(set) var synced: Bool?
    /// The reading when the clock was first seen unsynchronised.
    public private(set) var unsyncedSince: CollectorTime?
    public private(set) var jumps = 0
    public private(set) var lastJump: (at: Date, seconds: TimeInterval)?
    /// The wall clock's offset from the monotonic one before the newest step, and the reading that found that step.
    private var excursion: (before: TimeInterval, since: CollectorTime, gap: TimeInterval)?

    public init(threshold: TimeInterval = ClockStepDetector.defaultThreshold) {
        detector = ClockStepDetector(threshold: threshold)
    }

    public mutating func observe(_ t: CollectorTime, synced now: Bool) -> [Change] {
        var changes: [Change] = []
        let previous = detector.last
        if let step = detector.observe(t) {
            jumps += 1
            lastJump = (t.wall, step)
            changes.append(.jump(step))
            let after = t.wall.timeIntervalSince(t.steady)
            if let e = excursion, abs(after - e.before) <= detector.threshold,
                t.steady.timeIntervalSince(e.since.steady) <= 3600
            {
                changes.append(.steppedBack(offset: step, since: e.since, gap: e.gap))
                excursion = nil
            } else {
                excursion = (after - step, t, previous.map { t.steady.timeIntervalSince($0.steady) } ?? 0)
            }
        }
        if !now, synced != false {
            unsyncedSince = t
            changes.append(.unsynced)
        } else if now, synced == false, let since = unsyncedSince {
            let offset = t.wall.timeIntervalSince(since.wall) - t.steady.timeIntervalSince(since.steady)
            unsyncedSince = nil
            changes.append(.synced(offset: offset, unsyncedSince: since))
        }
        synced = now
        return changes
    }

    public static func == (a: ClockWatch, b: ClockWatch) -> Bool {
        a.detector == b.detector && a.synced == b.synced && a.unsyncedSince == b.unsyncedSince && a.jumps == b.jumps
            && a.lastJump?.at == b.lastJump?.at && a.lastJump?.seconds == b.lastJump?.seconds
    }
}
