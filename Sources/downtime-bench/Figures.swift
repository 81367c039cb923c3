import CollectorCore
import Foundation

/// Benchmarks of the collector's read side: figures printed, medians of several rounds.
struct Figures {
    static func measure(_ rounds: Int, _ body: () async throws -> Void) async rethrows -> (
        median: Double, min: Double, max: Double
    ) {
        var times: [Double] = []
        for _ in 0..<rounds {
            let start = ContinuousClock.now
            try await body()
            let elapsed = ContinuousClock.now - start
            times.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
        }
        times.sort()
        guard let fastest = times.first, let slowest = times.last else { return (0, 0, 0) }
        return (times[times.count / 2], fastest, slowest)
    }

    static func line(_ name: String, _ r: (median: Double, min: Double, max: Double), _ extra: String = "") {
        print(
            String(
                format: "page: %-44@ median %8.1f ms  (min %.1f, max %.1f)  %@", name as NSString, r.median, r.min,
                r.max, extra as NSString))
    }
}

/// A clock the benchmark moves by hand, so a month of history is made in seconds.
/// Its monotonic side moves with it: the benchmark makes time pass, it never steps the clock.
final class BenchClock: WallClock, MonotonicClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    init(_ t: Date) { self.current = t }
    func now() -> Date { lock.withLock { current } }
    func seconds() -> Double { lock.withLock { current.timeIntervalSince1970 } }
    func set(_ d: Date) { lock.withLock { current = d } }
}
