import CollectorRules
import DowntimeProtocol
import Foundation
import Logging

/// A store several collectors use at once (PostgreSQL): one of them leads (see `LeaderLock`), the
/// others take heartbeats and events and serve pages from the same rows.
public protocol SharedStore: NotificationLog {
    /// The lock that picks the leading collector.
    func makeLeaderLock(logger: Logger) -> any LeaderLock
    /// Every device's newest stored beat, whichever collector wrote it.
    func storedBeats() async throws -> [String: BeatState]
}
