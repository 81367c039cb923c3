import DowntimeProtocol
import Glibc

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Decides, from the outcomes of the agent's disk writes and an injected clock, whether the state
/// folder is usable, when to try it again and what to report (pure; docs/DESIGN.md, "Degraded storage").
///
/// While the folder fails, the agent keeps its state and outbox in memory and touches the disk only
/// once per `retryInterval` (the persist interval): a healthy card sees no extra writes, a dying one
/// is not worn further (or stalled on EIO) on every tick, and a recovered one is used again within
/// the precision gap detection has anyway.
public struct StorageMonitor: Sendable, Equatable {
    /// A failing folder: why, since when (wall clock, for people), and the system's words.
    public struct Problem: Sendable, Equatable {
        public var state: StorageState
        public var since: Date
        /// Monotonic time of `since`: re-dates it if the wall clock was implausible then.
        public var sinceMonotonic: Double
        public var error: String
    }

    /// What changed, to be logged once and sent as a `storage` event.
    public enum Change: Sendable, Equatable {
        /// The folder failed, or failed differently (read-only after full).
        case failed(Problem)
        /// The folder is writable again and what was held in memory is saved.
        case cleared(Problem)
    }

    /// The state folder, reported as the path (stable, unlike the file that happened to fail).
    public let path: String
    public let retryInterval: Double
    public private(set) var problem: Problem?
    /// Monotonic time of the next try while failing.
    public private(set) var nextRetry = -Double.infinity

    public init(path: String, retryInterval: Double) {
        self.path = path
        self.retryInterval = retryInterval
    }

    public var isHealthy: Bool { problem == nil }

    /// EROFS (and a folder we may not write) is read-only, ENOSPC/EDQUOT full, anything else an I/O error.
    public static func state(of code: Int32) -> StorageState {
        switch code {
        case EROFS, EACCES, EPERM: .readOnly
        case ENOSPC, EDQUOT: .full
        default: .ioError
        }
    }

    /// True when a failing folder is due for another try.
    public func retryDue(monotonic: Double) -> Bool {
        problem != nil && monotonic >= nextRetry
    }

    /// A write failed at `wall` / `monotonic`: the next try is one interval later. Returns a change
    /// only when the folder was healthy or now fails for another reason.
    public mutating func failed(_ error: FileError, wall: Date, monotonic: Double) -> Change? {
        nextRetry = monotonic + retryInterval
        let state = Self.state(of: error.code)
        if let problem, problem.state == state { return nil }
        let newProblem = Problem(
            state: state, since: wall, sinceMonotonic: monotonic,
            error: String(error.description.unicodeScalars.prefix(200)))
        problem = newProblem
        return .failed(newProblem)
    }

    /// Everything held in memory was written: the folder is healthy again.
    public mutating func succeeded() -> Change? {
        guard let resolved = problem else { return nil }
        problem = nil
        nextRetry = -.infinity
        return .cleared(resolved)
    }

    /// The heartbeat's `storage` field at `wall` / `monotonic`: nil while healthy. A failure seen while
    /// the wall clock was implausible (before NTP at boot) is dated from the monotonic clock.
    public func warning(unsavedEvents: Int, wall: Date, monotonic: Double) -> StorageWarning? {
        problem.map {
            let since = WireTime.validRange.contains($0.since) ? $0.since : wall - max(0, monotonic - $0.sinceMonotonic)
            return StorageWarning(
                state: $0.state, path: path, since: since, unsavedEvents: unsavedEvents, error: $0.error)
        }
    }

    /// The event a change is reported as.
    public func event(for change: Change) -> Event.Payload {
        switch change {
        case .failed(let p): .storage(state: p.state, path: path)
        case .cleared: .storage(state: .ok, path: path)
        }
    }
}
