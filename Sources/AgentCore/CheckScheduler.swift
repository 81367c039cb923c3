import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Runs each check on a thread of its own, every `every` seconds, one run at a time, off the heartbeat's
/// path: the beat reads the states under a lock held for a copy, never waits for a run.
public final class CheckScheduler: Sendable {
    public let specs: [CheckSpec]
    let probe: any CheckProbe
    let log: Log
    let wall: @Sendable () -> Date
    private let state: Mutex<State>
    private let latch = StopLatch()

    struct State {
        var trackers: [CheckTracker]
        /// Counts reported changes, so a reader can tell whether anything changed since it last looked.
        var generation: UInt64 = 0
        var runs: [Int]
    }

    public init(
        specs: [CheckSpec], probe: any CheckProbe, log: Log, wall: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.specs = specs
        self.probe = probe
        self.log = log
        self.wall = wall
        let now = wall()
        state = Mutex(
            State(
                trackers: specs.map {
                    CheckTracker(
                        name: $0.name, fails: $0.options.fails, notify: $0.options.notify, startedAt: now)
                },
                runs: specs.map { _ in 0 }))
    }

    /// Starts one thread per check; each runs its check at once, then on its period.
    public func start() {
        for index in specs.indices where !CheckThread.start({ self.loop(index) }) {
            record(index, .unknown("no thread to run it"))
        }
    }

    /// Asks the threads to end; a run under way finishes (within its timeout) and is the last.
    public func stop() { latch.stop() }

    /// Each check's reported state, in configuration order.
    public var statuses: [CheckStatus] { state.withLock { $0.trackers.map(\.status) } }

    /// Goes up by one on each reported change.
    public var generation: UInt64 { state.withLock { $0.generation } }

    /// The states and their generation, read together.
    public func snapshot() -> (generation: UInt64, statuses: [CheckStatus]) {
        state.withLock { ($0.generation, $0.trackers.map(\.status)) }
    }

    /// Runs finished per check, in configuration order.
    public var runCounts: [Int] { state.withLock { $0.runs } }

    private func loop(_ index: Int) {
        let spec = specs[index]
        var next = Monotonic.now()
        while !latch.isStopped {
            let run = probe.run(spec)
            record(index, run)
            next += spec.every
            // A run longer than the period: the next starts now, never beside it.
            next = max(next, Monotonic.now())
            if latch.wait(until: next) { return }
        }
    }

    private func record(_ index: Int, _ run: CheckRun) {
        let at = wall()
        let changed = state.withLock { s in
            s.runs[index] += 1
            let changed = s.trackers[index].record(run, at: at)
            if changed { s.generation += 1 }
            return changed ? s.trackers[index].status : nil
        }
        guard let status = changed else { return }
        let line = "check \(status.name): \(status.state.rawValue) (\(status.detail))"
        switch status.state {
        case .ok: log.notice(line)
        case .failing: log.warning(line)
        case .unknown: log.warning(line)
        }
    }
}
