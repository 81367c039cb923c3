import Foundation
import Glibc

/// One moment read on both of the collector's clocks.
public struct CollectorTime: Sendable, Equatable {
    /// What is recorded and shown.
    public var wall: Date
    /// What deadlines are measured on: the monotonic clock's seconds as a `Date` from 1970, so the
    /// pure rules (Liveness, SweepSchedule) take it as they take any instant. Never shown.
    public var steady: Date

    public init(wall: Date, steady: Date) {
        self.wall = wall
        self.steady = steady
    }

    /// The monotonic instant of a wall time read now (a stored beat, a maintenance end): exact only
    /// if the wall clock did not step since; used where no monotonic instant was taken.
    public func steady(ofWall w: Date) -> Date {
        steady - wall.timeIntervalSince(w)
    }

    /// Both clocks read now.
    public static func now(wall: any WallClock, monotonic: any MonotonicClock) -> CollectorTime {
        CollectorTime(wall: wall.now(), steady: Date(timeIntervalSince1970: monotonic.seconds()))
    }
}
