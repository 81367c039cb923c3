import Foundation
import Synchronization

/// A `ProcessPulse` shared by the ticker task and the sweep loop.
final class PulseTicker: Sendable {
    static let tick: TimeInterval = 0.25
    private let state: Mutex<ProcessPulse>

    init(at start: Date, slack: TimeInterval) {
        state = Mutex(ProcessPulse(at: start, tick: Self.tick, slack: slack))
    }

    func observe(_ now: Date) { state.withLock { $0.observe(now) } }
    func take(_ now: Date) -> TimeInterval { state.withLock { $0.take(now) } }
}
