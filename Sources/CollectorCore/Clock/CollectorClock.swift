import Foundation

/// The collector's two clocks read together: wall time for what is recorded and shown, monotonic time for
/// liveness deadlines (DESIGN: "The collector's own clock").
public struct CollectorClock: Sendable {
    public let wall: any WallClock
    public let monotonic: any MonotonicClock

    public init(wall: any WallClock, monotonic: any MonotonicClock) {
        self.wall = wall
        self.monotonic = monotonic
    }

    /// Both clocks read now.
    public func now() -> CollectorTime { CollectorTime.now(wall: wall, monotonic: monotonic) }
}
