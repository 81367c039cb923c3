import DowntimeProtocol
import Foundation
import Glibc
import Logging
import Synchronization

/// One record of the collector about itself (not about a device): kept in memory, newest last, and
/// logged (journald keeps the log line); shown at `GET /api/v1/collector`, on the overview and in `/metrics`.
/// Not in the store: a full or failing store must not keep the collector from saying so.
public struct CollectorRecord: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case clockJump = "clock_jump"
        case clockUnsynced = "clock_unsynced"
        case clockSynced = "clock_synced"
        case storeFailing = "store_failing"
        case storeRecovered = "store_recovered"
    }

    public var at: Date
    public var kind: Kind
    /// The step of a clock jump, or the offset found when the clock synchronised, in seconds.
    public var deltaS: Double?
    public var detail: String
}
