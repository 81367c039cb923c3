import CollectorCore
import CollectorRules
import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorRules

/// `migrate-store`: a SQLite installation copied into PostgreSQL row for row.
@Suite struct MigrateStoreTests {
    static let postgres = Backend.all.filter { $0 == .postgres }

    @Test(arguments: postgres) func everyRowIsCopiedAndANonEmptyTargetIsRefused(_ backend: Backend) async throws {
        // A used SQLite installation: devices, beats, flips, events, daily figures, deliveries, windows, runs.
        var config = CollectorConfig()
        config.retentionDays = 31
        let h = try await Harness.make(.sqlite, config: config)
        let sqlite = try #require(h.store as? SQLiteStore)
        let token = try await h.addDevice("pi-1")
        _ = try await h.addDevice("pi-2")
        try await h.test { client in
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1", seq: 7), token: token)
            try await client.post("/api/v1/events", IngestTests.outageBatch(id: UUID()), token: token)
        }
        h.clock.advance(100)
        try await h.collector.sweeper.sweep() // pi-1 goes down
        try await h.collector.sweeper.flush()
        try await h.collector.sweeper.housekeeping.run()
        _ = try await sqlite.setTags(["office"], device: "pi-2")
        _ = try await sqlite.setDependsOn("pi-1", device: "pi-2") // copied too (compared with allDevices below)
        _ = try await sqlite.addMaintenance(try MaintenanceWindow.parse("all weekly sun 02:00-04:00"))
        let w2 = try await sqlite.addMaintenance(try MaintenanceWindow.parse("tag:office weekly mon 01:00-02:00"))
        let alice = UserRecord(
            name: "alice", role: .viewer, passwordHash: AdminPassword.hash("x", cost: 4),
            createdAt: Date(timeIntervalSince1970: 1_795_000_000))
        try await sqlite.addUser(alice)
        // A status page with a password, and a display name (pi-2's), come along too.
        let pages = StatusPages(store: sqlite, clock: h.clock, cost: 4)
        try await pages.add("home", title: "Home", select: "device:pi-1,pi-2", password: "holiday house")
        _ = try await DeviceAdmin(store: sqlite, clock: h.clock).setDisplayName("Front door camera", device: "pi-2")
        _ = try await sqlite.removeMaintenance(id: w2 - 1)
        try await sqlite.recordDelivery(
            DeliveryRecord(
                at: h.clock.now(), devices: ["pi-1"], notifier: "hook", kind: "down",
                attempt: 1, ok: true, detail: "HTTP 200"))
        try await sqlite.insertUPSEvents([
            StoredUPSEvent(ups: "ups@nas:3493", kind: .mainsOut, at: h.clock.now(), status: "OB DISCHRG", charge: 73),
            StoredUPSEvent(ups: "ups@nas:3493", kind: .commsLost, at: h.clock.now() + 1, reason: "refused"),
        ])
        try await sqlite.setDigestSent(channel: "mail", slot: Date(timeIntervalSince1970: 1_796_630_400))
        try await sqlite.setQuietSent(channel: "phone", end: Date(timeIntervalSince1970: 1_796_626_800))

        let target = try await PostgresStore.open(
            try Backend.requirePostgresURL(), schema: "t_mig_" + UUID().uuidString.prefix(8).lowercased())
        let counts = try await StoreMigration.copy(from: sqlite, to: target, batch: 2)
        let source = try await sqlite.rowCounts()
        #expect(counts.map(\.table) == StoreMigration.tables)
        #expect(counts.allSatisfy { source[$0.table] == $0.rows })
        #expect(counts.first { $0.table == "event" }?.rows == 3) // new → up, the outage, up → down

        #expect(try await target.allDevices() == sqlite.allDevices())
        // The log keeps its order and its cursors (seq).
        #expect(try await target.allEvents() == sqlite.allEvents())
        #expect(try await target.daily(device: "pi-1").map(\.day) == sqlite.daily(device: "pi-1").map(\.day))
        #expect(try await target.deliveries(device: "pi-1", limit: 10) == sqlite.deliveries(device: "pi-1", limit: 10))
        #expect(try await target.maintenanceWindows() == sqlite.maintenanceWindows())
        #expect(
            try await target.upsEvents(ups: nil, since: nil, limit: 10)
                == sqlite.upsEvents(ups: nil, since: nil, limit: 10))
        #expect(counts.first { $0.table == "ups_event" }?.rows == 2)
        #expect(try await target.users() == [alice])
        let copiedPages = try await target.statusPages()
        #expect(copiedPages == (try await sqlite.statusPages()) && copiedPages.map(\.name) == ["home"])
        #expect(try await target.device(named: "pi-2")?.displayName == "Front door camera")
        #expect(counts.first { $0.table == "status_page" }?.rows == 1)
        #expect(try await target.digestSent(channel: "mail") == Date(timeIntervalSince1970: 1_796_630_400))
        #expect(try await target.quietSent(channel: "phone") == Date(timeIntervalSince1970: 1_796_626_800))
        #expect(try await target.device(tokenHash: Tokens.hash(token))?.name == "pi-1")
        // New rows continue after the copied ones; the run history says when the old collector was last alive.
        let maxSeq = try await sqlite.allEvents().map(\.seq).max() ?? 0
        _ = try await target.insertEvents(
            [Event(device: "pi-1", at: h.clock.now(), bootID: "b", payload: .shutdown)], receivedAt: h.clock.now())
        #expect(try await target.events(device: "pi-1", since: nil, afterSeq: maxSeq, limit: 10).count == 1)
        let newId = try await target.addMaintenance(try MaintenanceWindow.parse("all weekly sat 02:00-03:00"))
        #expect(newId > w2)
        #expect(try await target.beginRun(at: h.clock.now() + 10) == h.clock.now())
        // The copied flips were notified by the old collector.
        #expect(try await target.notifyCursor().seq == maxSeq)

        await #expect(throws: StoreMigration.Failure.self) { try await StoreMigration.copy(from: sqlite, to: target) }

        // The flips' typed columns came along: retention keeps the same first flip on both sides and deletes the
        // rest (the shutdown added above too), which it would not do with their columns left empty.
        let later = h.clock.now() + 86_400
        // (Plus the two UPS events on each side.)
        #expect(try await sqlite.deleteEvents(before: later) == 2 + 2)
        #expect(try await target.deleteEvents(before: later) == 3 + 2)
        let kept = try await target.allEvents()
        #expect(kept.map(\.event.id) == (try await sqlite.allEvents().map(\.event.id)))
        #expect(kept.map(\.event.kind) == [.flip])
    }
}
