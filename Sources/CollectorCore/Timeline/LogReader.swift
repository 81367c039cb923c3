import CollectorRules
import DowntimeProtocol
import Foundation

/// The stored log as people read it (device page, API, `log` and `export` commands), and the delivery log;
/// needs only the store, so the CLI reads through it too.
public struct LogReader: Sendable {
    let store: any Store

    public init(store: any Store) {
        self.store = store
    }

    /// A device's log, oldest first: rows after `afterSeq` (a cursor) at or after `since`; nil when there is
    /// no such device.
    public func log(device: String, since: Date? = nil, afterSeq: Int64? = nil, limit: Int) async throws
        -> [StoredEvent]?
    {
        guard try await store.device(named: device) != nil else { return nil }
        return try await store.events(device: device, since: since, afterSeq: afterSeq, limit: limit)
    }

    /// A device's newest delivery attempts, newest first.
    public func deliveries(device: String, limit: Int) async throws -> [DeliveryRecord] {
        try await store.deliveries(device: device, limit: limit)
    }

    /// A UPS's newest events, newest first.
    public func upsEvents(ups: String, limit: Int) async throws -> [StoredUPSEvent] {
        try await store.upsEvents(ups: ups, since: nil, limit: limit)
    }

    /// Every device's log, oldest first.
    public func export() async throws -> [StoredEvent] {
        try await store.allEvents()
    }

    /// Every incident recorded, newest first, for export.
    public func exportIncidents() async throws -> [Incident] {
        try await store.incidents(since: Date(timeIntervalSince1970: 0))
    }
}
