import Foundation

/// Tells a step of the collector's wall clock from time passing, as the agent does for itself: between
/// two readings, the wall clock's advance against the monotonic clock's. Pure: fed `CollectorTime`s.
public struct ClockStepDetector: Sendable, Equatable {
    /// Like the agent's: NTP slews far less than this between two sweeps (at most 1 s apart).
    public static let defaultThreshold: TimeInterval = 2
    public let threshold: TimeInterval
    /// The previous reading (the reference of the next).
    public private(set) var last: CollectorTime?

    public init(threshold: TimeInterval = defaultThreshold) {
        self.threshold = threshold
    }

    /// The step in seconds (positive: the wall clock jumped ahead) since the previous reading when it is
    /// over the threshold, else nil. The first reading only sets the reference; every reading moves it.
    public mutating func observe(_ t: CollectorTime) -> TimeInterval? {
        defer { last = t }
        guard let last else { return nil }
        let step = t.wall.timeIntervalSince(last.wall) - t.steady.timeIntervalSince(last.steady)
        return abs(step) > threshold ? step : nil
    }
}
