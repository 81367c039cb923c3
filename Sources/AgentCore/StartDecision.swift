import DowntimeProtocol

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The start-up decision: what happened, the outage to report (if any) and a line for the log.
public struct StartDecision: Sendable, Equatable {
    public var finding: StartFinding
    public var outage: OutageReport?
    public var message: String
    /// The outage event's id, derived from the state it was found in: if the agent dies before its
    /// fresh state is on disk, the next start finds the same outage under the same id, and the
    /// collector stores it once.
    public var outageID: UUID?

    init(finding: StartFinding, outage: OutageReport?, message: String) {
        self.finding = finding
        self.outage = outage
        self.message = message
    }
}
