import DowntimeProtocol

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The pure state rule of one check. A failing run makes the check `failing` only after `fails`
/// consecutive failing runs (flap damping on the device; 1 by default, so a failure shows within one
/// period); one ok run makes it `ok`; a run that could not be made makes it `unknown` at once with the
/// reason, and restarts the count (it says nothing about the service).
public struct CheckTracker: Sendable, Equatable {
    public let fails: Int
    public private(set) var status: CheckStatus
    /// Failing runs in a row not yet reported (below `fails`).
    public private(set) var failingRuns = 0

    public static let notRunYet = "not run yet"

    public init(name: String, fails: Int = 1, notify: Bool = true, startedAt: Date) {
        self.fails = max(1, fails)
        status = CheckStatus(name: name, state: .unknown, detail: Self.notRunYet, since: startedAt, notify: notify)
    }

    /// Folds one run made at `at`; true when the reported state changed (the detail alone is no change).
    @discardableResult
    public mutating func record(_ run: CheckRun, at: Date) -> Bool {
        let next: CheckState
        switch run.state {
        case .ok, .unknown:
            failingRuns = 0
            next = run.state
        case .failing:
            failingRuns += 1
            // Not yet damped through: the state and its detail stay as they were.
            guard failingRuns >= fails else { return false }
            next = .failing
        }
        status.detail = run.detail
        guard next != status.state else { return false }
        status.state = next
        status.since = at
        return true
    }
}
