import CollectorRules
import Foundation

/// The flip (and `storage`) rows of the log and how far the notifications got in them, kept in the store: the leader of several
/// collectors tells the others' flips from it, and a collector killed while it held messages (grouping, settling)
/// tells them after its restart (docs/DESIGN.md "Notifications survive a crash").
public protocol NotificationLog: Store {
    /// The rows notifications follow (flips, agents' `storage` events) after `afterSeq`, in log order.
    func toldEvents(afterSeq: Int64, limit: Int) async throws -> [StoredEvent]
    /// How far in the log the notifications got: kept across a restart and a hand-over.
    func notifyCursor() async throws -> NotifyCursor
    /// Moves the cursor forward (never back) and sets the rows before it still held.
    func setNotifyCursor(_ cursor: NotifyCursor) async throws
    /// Incidents that started at or after `since` whose message has not gone out, oldest first.
    func untoldIncidents(since: Date) async throws -> [Incident]
    /// Records that an incident's message went out.
    func markIncidentTold(_ id: String, at: Date) async throws
}
