import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Where the collector reads the time; injected so every decision can be tested at a frozen `now`.
/// Wall time is only for what is recorded and shown: it can step (NTP, a hand, a box without a real-time clock).
public protocol WallClock: Sendable {
    func now() -> Date
}

/// The real wall clock.
public struct SystemWallClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that never steps: liveness deadlines run on it (seconds from an arbitrary origin).
public protocol MonotonicClock: Sendable {
    func seconds() -> Double
}

/// CLOCK_MONOTONIC: unmoved by any setting of the wall clock (libfaketime leaves it real with
/// FAKETIME_DONT_FAKE_MONOTONIC=1); it stops while the machine is suspended, so a suspended collector
/// gives every device a fresh window rather than calling it down.
public struct SystemMonotonicClock: MonotonicClock {
    public init() {}
    public func seconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

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
