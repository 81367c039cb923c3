import Foundation
import Glibc

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
