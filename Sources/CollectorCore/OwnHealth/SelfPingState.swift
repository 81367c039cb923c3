import Foundation

/// What the collector's self-pings gave so far (pure): counts for `/metrics`, and whether the newest one
/// failed, so that the log says each change of state once rather than every attempt.
public struct SelfPingState: Sendable, Equatable {
    /// A change worth one log line.
    public enum Change: Sendable, Equatable {
        /// The first failure after a success (or the first attempt failing), with libcurl's reason or the status.
        case failing(String)
        /// The first success after failures.
        case worksAgain
    }

    public var ok = 0
    public var failed = 0
    public var lastSuccess: Date?
    /// The newest attempt failed; nil before the first attempt.
    public var failing: Bool?

    public init() {}

    /// Takes one attempt's outcome at `at`: nil as the reason is a success.
    public mutating func observe(failure reason: String?, at: Date) -> Change? {
        let before = failing
        if let reason {
            failed += 1
            failing = true
            return before == true ? nil : .failing(reason)
        }
        ok += 1
        lastSuccess = at
        failing = false
        return before == true ? .worksAgain : nil
    }
}
