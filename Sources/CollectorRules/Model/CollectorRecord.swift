import DowntimeProtocol
import Foundation

/// One record of the collector about itself (not about a device): kept in memory, newest last, logged, and
/// stored (table `collector_record`) as soon as the store takes it, so a restart keeps the history; shown at
/// `GET /api/v1/collector`, on the overview and in `/metrics`. Memory first: a full or failing store must not
/// keep the collector from saying so, and its `store_failing` record is stored once the store is back.
public struct CollectorRecord: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case clockJump = "clock_jump"
        case clockUnsynced = "clock_unsynced"
        case clockSynced = "clock_synced"
        case storeFailing = "store_failing"
        case storeRecovered = "store_recovered"
        /// The collector itself was not running (measured at its next start from the last alive mark).
        case collectorDown = "collector_down"
        /// The collector's process did not run for a while (SIGSTOP, a paused VM): it judged nobody then.
        case collectorStalled = "collector_stalled"
    }

    /// Stored once by it, whatever the retries.
    public var id: UUID
    public var at: Date
    public var kind: Kind
    /// The step of a clock jump, the offset found when the clock synchronised, or the time away, in seconds.
    public var deltaS: Double?
    public var detail: String

    public init(id: UUID = UUID(), at: Date, kind: Kind, deltaS: Double?, detail: String) {
        self.id = id
        self.at = at
        self.kind = kind
        self.deltaS = deltaS
        self.detail = detail
    }
}
