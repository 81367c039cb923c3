import CCurl
import Foundation

/// A probe with a fixed answer (tests, and the CLI commands that judge nothing).
public struct FixedClockSync: ClockSyncProbe {
    public let synced: Bool
    public init(_ synced: Bool) { self.synced = synced }
    public func isSynced() -> Bool { synced }
}
