import DowntimeProtocol
import Glibc

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Exponential backoff with jitter, 1 s up to 5 min, on an injected clock and random source.
public struct Backoff {
    public var base: Double
    public var cap: Double
    public private(set) var failures = 0
    /// Monotonic time before which no retry is made.
    public private(set) var notBefore: Double = 0
    private let random: () -> Double

    /// `random` returns values in 0..<1.
    public init(base: Double = 1, cap: Double = 300, random: @escaping () -> Double = { Double.random(in: 0..<1) }) {
        self.base = base
        self.cap = cap
        self.random = random
    }

    public func ready(at monotonic: Double) -> Bool { monotonic >= notBefore }

    /// Records a failure at `monotonic` and returns the delay until the next try.
    @discardableResult
    public mutating func failed(at monotonic: Double) -> Double {
        failures += 1
        let raw = min(cap, base * Double(1 << min(failures - 1, 30)))
        // ±25 % spreads agents that all lost the collector at once.
        let delay = min(cap, raw * (0.75 + 0.5 * random()))
        notBefore = monotonic + delay
        return delay
    }

    public mutating func succeeded() {
        failures = 0
        notBefore = 0
    }
}
