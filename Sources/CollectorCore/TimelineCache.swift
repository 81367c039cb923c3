import DowntimeProtocol
import Foundation

/// The log rows that shape outages and uptime (flips, outages, unreachable and collector-down records),
/// kept in memory per device so that the pages never wait on SQLite. Loaded on first use, then fed
/// with every such row the collector stores; dropped when another process changes the store.
actor TimelineCache {
    private var rows: [String: [StoredEvent]]?
    private var ids: Set<UUID> = []
    private var loadedAt = Date.distantPast

    static let kinds: Set<Event.Kind> = [.flip, .outage, .collectorUnreachable, .collectorDown]

    /// All devices' rows; `load` reads them from the store when the cache is empty or a day old.
    func all(now: Date, load: @Sendable (Date) async throws -> [String: [StoredEvent]]) async throws -> [String: [StoredEvent]] {
        if let rows, now.timeIntervalSince(loadedAt) < 86_400 { return rows }
        let fresh = try await load(now - 31 * 86_400)
        rows = fresh
        ids = Set(fresh.values.joined().map(\.event.id))
        loadedAt = now
        return fresh
    }

    /// Adds rows just stored (duplicates and other kinds ignored).
    func add(_ events: [Event], receivedAt: Date) {
        guard rows != nil else { return }
        for e in events where Self.kinds.contains(e.kind) && !ids.contains(e.id) {
            ids.insert(e.id)
            rows![e.device, default: []].append(StoredEvent(event: e, receivedAt: receivedAt, seq: Int64.max))
        }
    }

    func reset() {
        rows = nil
        ids = []
    }
}
