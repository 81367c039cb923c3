import Foundation
import Glibc

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
