import DowntimeProtocol
import Foundation
import Logging

/// A store several collectors use at once (PostgreSQL): one of them leads (see `LeaderLock`), the
/// others take heartbeats and events and serve pages from the same rows.
public protocol SharedStore: Store {
    /// The lock that picks the leading collector.
    func makeLeaderLock(logger: Logger) -> any LeaderLock
    /// Every device's newest stored beat, whichever collector wrote it.
    func storedBeats() async throws -> [String: BeatState]
    /// Flip rows after `afterSeq`, in log order (the leader's notifications follow them).
    func flips(afterSeq: Int64, limit: Int) async throws -> [StoredEvent]
    /// How far in the log the leader's notifications got: kept across a hand-over.
    func notifyCursor() async throws -> Int64
    /// Moves the cursor forward (never back).
    func setNotifyCursor(_ seq: Int64) async throws
}
