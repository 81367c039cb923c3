import CCurl
import Foundation

/// Whether the collector's wall clock is synchronised; injected so tests can stage an unsynced start.
public protocol ClockSyncProbe: Sendable {
    func isSynced() -> Bool
}
