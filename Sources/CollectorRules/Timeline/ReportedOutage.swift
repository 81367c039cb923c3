import DowntimeProtocol
import Foundation

/// An outage reported by the agent, with `end` already anchored (see `OutageReport`).
public struct ReportedOutage: Sendable, Equatable {
    public var cause: OutageCause
    public var start: Date?
    public var end: Date
    public init(cause: OutageCause, start: Date?, end: Date) {
        self.cause = cause
        self.start = start
        self.end = end
    }
}
