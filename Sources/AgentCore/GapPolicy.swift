import DowntimeProtocol

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The timing knobs gap detection depends on.
public struct GapPolicy: Sendable, Equatable {
    /// Heartbeat interval, seconds.
    public var interval: Double
    /// How often the state file is written, seconds: the granularity of `last_alive`.
    public var persistInterval: Double
    /// Slack for scheduling and slow disks before a gap counts, seconds.
    public var tolerance: Double
    /// Wall-clock versus monotonic difference that counts as a clock jump, seconds.
    public var jumpThreshold: Double

    public init(interval: Double, persistInterval: Double, tolerance: Double = 2, jumpThreshold: Double = 2) {
        self.interval = interval
        self.persistInterval = persistInterval
        self.tolerance = tolerance
        self.jumpThreshold = jumpThreshold
    }

    /// A same-boot gap longer than this means the agent was not running. `last_alive_uptime` is up
    /// to one persist interval old even after a 1 s restart, so that interval is part of it.
    public var stoppedThreshold: Double { max(interval, persistInterval) + tolerance }

    /// Whether the tick `sinceLastPersist` seconds after the last state write writes again. Ticks wake a
    /// little late by varying amounts; with a strict `>= persistInterval` every other write slipped a
    /// whole tick (70 s instead of 60), so the tick nearest the interval writes.
    public func persistDue(sinceLastPersist: Double) -> Bool {
        sinceLastPersist >= persistInterval - min(interval, persistInterval) / 2
    }
}
