import CollectorRules
import Foundation

/// Where `UPSMonitor` puts what it polls (the `Collector`): whether to poll at all, the stored history a tracker
/// resumes from, each poll's outcome and the events, stored once.
public protocol UPSRecorder: Sendable {
    /// With several collectors on one store only the leader polls, so each transition is stored once.
    var pollsUPS: Bool { get }
    /// The UPS's newest stored events, newest first, for `UPSTracker(resuming:)`.
    func upsHistory(_ ups: String) async throws -> [StoredUPSEvent]
    /// One poll's outcome.
    func upsPolled(_ ups: String, _ outcome: UPSTracker.Outcome, at: Date) async
    /// Stores events (idempotent by id) and tells them; throws when the store failed (the caller retries).
    func recordUPS(_ events: [StoredUPSEvent]) async throws
}
