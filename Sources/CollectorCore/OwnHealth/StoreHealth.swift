import Foundation

/// Whether the store is failing, as a state that changes rarely, so the collector logs and shows each
/// change once instead of a line per request. Pure: fed failures and successes with the time.
public struct StoreHealth: Sendable, Equatable {
    public enum Change: Sendable, Equatable {
        case failing(StoreFault)
        /// Back after failing this many seconds (monotonic).
        case recovered(after: TimeInterval)
    }

    /// A failing disk is called recovered only after writes succeeded with no failure for this long: on
    /// a full disk a small write can still fit now and then, and that is no recovery worth a log line.
    public let settle: TimeInterval
    public private(set) var fault: StoreFault?
    public private(set) var message: String?
    /// When it started failing (wall time, shown).
    public private(set) var since: Date?
    private var started: Date?
    private var lastFailure: Date?
    /// How many times the store came back: a sweep that sees it change knows the store was away meanwhile.
    public private(set) var recoveries = 0

    public init(settle: TimeInterval = 5) {
        self.settle = settle
    }

    public mutating func failed(_ f: StoreFault, message: String, at t: CollectorTime) -> Change? {
        lastFailure = t.steady
        self.message = message
        guard fault == nil else { return nil }
        fault = f
        since = t.wall
        started = t.steady
        return .failing(f)
    }

    public mutating func succeeded(at t: CollectorTime) -> Change? {
        // A database that answers again is back (nothing half-works there); a disk must stay good for `settle`.
        let wait = fault == .unavailable ? 0 : settle
        guard fault != nil, let last = lastFailure, let started, t.steady.timeIntervalSince(last) >= wait else {
            return nil
        }
        fault = nil
        message = nil
        since = nil
        self.started = nil
        recoveries += 1
        return .recovered(after: t.steady.timeIntervalSince(started))
    }
}
