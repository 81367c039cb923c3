import Foundation

/// Where the collector reads the time; injected so every decision can be tested at a frozen `now`.
public protocol WallClock: Sendable {
    func now() -> Date
}

/// The real wall clock.
public struct SystemWallClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}
