import CollectorRules
import DowntimeProtocol
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The collector's own state: its clock (steps, synchronisation) and its store (failing or not).
public final class CollectorHealth: Sendable {
    /// What the page, the API and `/metrics` show.
    public struct Snapshot: Sendable {
        public var clockSynced: Bool
        public var unsyncedSince: Date?
        public var clockJumps: Int
        public var lastJump: (at: Date, seconds: TimeInterval)?
        public var storeFault: StoreFault?
        public var storeFailingSince: Date?
        public var storeError: String?
        /// Free bytes in the data folder (SQLite only).
        public var freeBytes: Int64?
        public var records: [CollectorRecord]
        /// The self-pings so far (all zero when none is configured or none was tried yet).
        public var selfPing = SelfPingState()
        /// The MQTT link; nil when none is configured.
        public var mqtt: MQTTLinkStatus?
    }

    private struct State {
        var clock = ClockWatch()
        var store = StoreHealth()
        var records: [CollectorRecord] = []
        /// Records not in the store yet, oldest first.
        var unsaved: [CollectorRecord] = []
        var selfPing = SelfPingState()
        var mqtt: MQTTLinkStatus?
    }

    static let maxRecords = 200
    private let state = Mutex(State())
    let logger: Logger
    private let dataDir: String?

    /// `dataDir`: the folder whose free space is reported with a store failure (nil for PostgreSQL).
    public init(logger: Logger, dataDir: String?) {
        self.logger = logger
        self.dataDir = dataDir
    }

    /// Compares the clocks and reads the sync state; records and logs what changed, and returns it.
    @discardableResult
    public func observeClock(_ t: CollectorTime, synced: Bool) -> [ClockWatch.Change] {
        let changes = state.withLock { $0.clock.observe(t, synced: synced) }
        for change in changes {
            switch change {
            case .jump(let step):
                let text =
                    "collector wall clock stepped by \(Durations.signedSeconds(step)) s; liveness runs on the monotonic "
                    + "clock, times already recorded are unchanged"
                add(CollectorRecord(at: t.wall, kind: .clockJump, deltaS: step, detail: text))
                logger.warning("\(text)")
            case .unsynced:
                let text =
                    "collector clock not synchronised: times recorded from now on are uncertain (marked), "
                    + "liveness runs on the monotonic clock"
                add(CollectorRecord(at: t.wall, kind: .clockUnsynced, deltaS: nil, detail: text))
                logger.warning("\(text)")
            case .synced(let offset, let since):
                let text =
                    "collector clock synchronised; times recorded since \(WireTime.format(since.wall)) "
                    + "(its clock then) were off by \(Durations.signedSeconds(offset)) s"
                add(CollectorRecord(at: t.wall, kind: .clockSynced, deltaS: offset, detail: text))
                logger.notice("\(text)")
            case .steppedBack(let offset, let since, _):
                let text =
                    "collector wall clock stepped back by \(Durations.signedSeconds(offset)) s to where it was before "
                    + "its step at \(WireTime.format(since.wall)) (its clock then): flips recorded meanwhile are re-dated"
                logger.notice("\(text)")
            }
        }
        return changes
    }

    /// How many times the store came back after failing (see `StoreHealth.recoveries`).
    public var storeRecoveries: Int { state.withLock { $0.store.recoveries } }

    /// True while the clock is known unsynchronised.
    public var clockUnsynced: Bool { state.withLock { $0.clock.synced == false } }

    /// Notes a store error; returns its fault (nil for an error that is no store fault).
    @discardableResult
    public func storeFailed(_ error: any Error, at t: CollectorTime) -> StoreFault? {
        guard let fault = StoreFault.classify(error) else { return nil }
        let message = PostgresStore.describe(error)
        let change = state.withLock { $0.store.failed(fault, message: message, at: t) }
        guard case .failing = change else { return fault }
        let free = freeBytes().map { ", \($0) bytes free in \(dataDir ?? "")" } ?? ""
        let text = "store failing (\(fault.label)): \(message)\(free); agents get 503 and retry"
        add(CollectorRecord(at: t.wall, kind: .storeFailing, deltaS: nil, detail: text))
        logger.error("\(text)")
        return fault
    }

    /// Times a store write and notes how it went (`time` read after it): a store fault is logged once per
    /// change of state.
    func timedWrite<T>(_ op: String, at time: () -> CollectorTime, _ body: () async throws -> T) async throws -> T {
        do {
            let value = try await timedStore(op, body)
            storeSucceeded(at: time())
            return value
        } catch {
            storeFailed(error, at: time())
            throw error
        }
    }

    /// Notes a store write that succeeded.
    public func storeSucceeded(at t: CollectorTime) {
        let change = state.withLock { $0.store.succeeded(at: t) }
        guard case .recovered(let after) = change else { return }
        let free = freeBytes().map { ", \($0) bytes free in \(dataDir ?? "")" } ?? ""
        let text = "store recovered after \(Int(after.rounded())) s\(free)"
        add(CollectorRecord(at: t.wall, kind: .storeRecovered, deltaS: nil, detail: text))
        logger.notice("\(text)")
    }

    /// Notes one self-ping to `url` (nil `failure`: it worked) and logs a change of state once.
    public func observeSelfPing(url: String, failure: String?, at: Date) {
        switch state.withLock({ $0.selfPing.observe(failure: failure, at: at) }) {
        case .failing(let why): logger.warning("self-ping to \(url) failing: \(why)")
        case .worksAgain: logger.notice("self-ping to \(url) works again")
        case nil: break
        }
    }

    /// The MQTT bridge's link; `since` is kept while the state stays the same.
    public func observeMQTT(_ status: MQTTLinkStatus) {
        state.withLock { s in
            var next = status
            // The bridge's periodic report knows the state, not the last reason: the reason said before stays.
            if let old = s.mqtt, old.state == status.state, status.reason == nil { next.reason = old.reason }
            if let old = s.mqtt, old.state == next.state, old.reason == next.reason { next.since = old.since }
            s.mqtt = next
        }
    }

    public func snapshot() -> Snapshot {
        let current = state.withLock { $0 }
        return Snapshot(
            clockSynced: current.clock.synced ?? true, unsyncedSince: current.clock.unsyncedSince?.wall,
            clockJumps: current.clock.jumps, lastJump: current.clock.lastJump,
            storeFault: current.store.fault, storeFailingSince: current.store.since,
            storeError: current.store.message, freeBytes: freeBytes(), records: current.records,
            selfPing: current.selfPing, mqtt: current.mqtt)
    }

    /// Records the collector's own time away (at start, from the previous run's last alive mark).
    public func collectorDown(from start: Date, to end: Date) {
        let text = "collector was not running from \(WireTime.format(start)) to \(WireTime.format(end))"
        add(CollectorRecord(at: end, kind: .collectorDown, deltaS: end.timeIntervalSince(start), detail: text))
    }

    /// Records a stall of the collector's own process (see `Collector.stalled`).
    public func stalled(for seconds: TimeInterval, at: Date) {
        let text =
            "collector did not run for \(Int(seconds.rounded())) s (stopped or starved): no device was judged then"
        add(CollectorRecord(at: at, kind: .collectorStalled, deltaS: seconds, detail: text))
    }

    /// The stored records of earlier runs (oldest first), before this run's own.
    public func restore(_ stored: [CollectorRecord]) {
        state.withLock { s in
            let known = Set(s.records.map(\.id))
            s.records = Array((stored.filter { !known.contains($0.id) } + s.records).suffix(Self.maxRecords))
        }
    }

    /// The records to store now; `unsavable` puts them back after a failed write.
    func takeUnsaved() -> [CollectorRecord] {
        state.withLock { s in
            defer { s.unsaved = [] }
            return s.unsaved
        }
    }

    func unsavable(_ records: [CollectorRecord]) {
        state.withLock { s in s.unsaved = Array((records + s.unsaved).suffix(Self.maxRecords)) }
    }

    private func add(_ r: CollectorRecord) {
        state.withLock { s in
            s.records.append(r)
            if s.records.count > Self.maxRecords { s.records.removeFirst(s.records.count - Self.maxRecords) }
            s.unsaved.append(r)
            if s.unsaved.count > Self.maxRecords { s.unsaved.removeFirst(s.unsaved.count - Self.maxRecords) }
        }
    }

    private func freeBytes() -> Int64? {
        guard let dataDir else { return nil }
        var st = statvfs()
        guard statvfs(dataDir, &st) == 0 else { return nil }
        return Int64(st.f_bavail) * Int64(st.f_frsize)
    }
}
