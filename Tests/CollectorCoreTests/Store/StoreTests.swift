import DowntimeProtocol
import Foundation
import Logging
import PostgresNIO
import Testing

@testable import CollectorCore
@testable import CollectorRules

/// The `Store` contract, run against every backend: both must behave the same.
@Suite struct StoreTests {
    let t0 = Date(timeIntervalSince1970: 1_795_335_000)

    func fresh(_ backend: Backend) async throws -> (StoreHandle, any Store) {
        let h = try StoreHandle.fresh(backend)
        return (h, try await h.open())
    }

    func device(_ name: String, _ at: Date) -> DeviceRecord {
        DeviceRecord(name: name, tokenHash: Tokens.hash("token-of-\(name)"), createdAt: at)
    }

    func flip(_ d: String, _ from: DeviceStatus, _ to: DeviceStatus, _ at: Date) -> FlipChange {
        FlipChange(
            device: d, status: to,
            event: Event(
                device: d, at: at, bootID: nil,
                payload: .flip(FlipRecord(from: from, to: to, reason: "test"))))
    }

    func outage(_ d: String, _ at: Date, id: UUID = UUID()) -> Event {
        Event(
            id: id, device: d, at: at, bootID: "b",
            payload: .outage(
                OutageReport(
                    cause: .powerLoss, start: at - 60, end: at, durationS: 60, precisionS: 1, clockSynced: true)))
    }

    @Test(arguments: Backend.all) func devicesAreAddedFoundAndRemovedWithTheirLog(_ backend: Backend) async throws {
        let (h, s) = try await fresh(backend)
        defer { h.remove() }
        try await s.addDevice(device("pi-2", t0))
        try await s.addDevice(device("pi-1", t0 + 1))
        await #expect(throws: StoreError.deviceExists("pi-1")) { try await s.addDevice(device("pi-1", t0)) }
        #expect(try await s.allDevices().map(\.name) == ["pi-1", "pi-2"])
        let one = try #require(try await s.device(named: "pi-1"))
        #expect(one == device("pi-1", t0 + 1))
        #expect(try await s.device(tokenHash: Tokens.hash("token-of-pi-2"))?.name == "pi-2")
        #expect(try await s.device(tokenHash: Tokens.hash("nobody")) == nil)
        _ = try await s.insertEvents([outage("pi-1", t0)], receivedAt: t0)
        #expect(try await s.removeDevice(named: "pi-1"))
        #expect(try await !s.removeDevice(named: "pi-1"))
        #expect(try await s.device(named: "pi-1") == nil)
        #expect(try await s.events(device: "pi-1", since: nil, afterSeq: nil, limit: 10).isEmpty)
    }

    @Test(arguments: Backend.all) func settingsChangeOnlyExistingDevices(_ backend: Backend) async throws {
        let (h, s) = try await fresh(backend)
        defer { h.remove() }
        try await s.addDevice(device("pi-1", t0))
        #expect(try await s.setInterval(60, device: "pi-1"))
        #expect(try await s.setTags(["office", "lab"], device: "pi-1"))
        var d = try #require(try await s.device(named: "pi-1"))
        #expect(d.intervalOverride == 60 && d.tags == ["office", "lab"])
        #expect(try await s.setInterval(nil, device: "pi-1"))
        #expect(try await s.setTags([], device: "pi-1"))
        d = try #require(try await s.device(named: "pi-1"))
        #expect(d.intervalOverride == nil && d.tags == [])
        #expect(try await !s.setInterval(5, device: "ghost"))
        #expect(try await !s.setTags(["x"], device: "ghost"))
        #expect(try await !s.setPaused(true, flip: flip("ghost", .up, .paused, t0)))
    }

    /// The notifications' cursor in the log (docs/DESIGN.md "Notifications survive a crash"): kept across a reopen,
    /// never moved back; the flip rows after it in log order.
    @Test(arguments: Backend.all) func theNotificationCursorFollowsTheFlipRows(_ backend: Backend) async throws {
        let (h, s) = try await fresh(backend)
        defer { h.remove() }
        let log = try #require(s as? any NotificationLog)
        #expect(try await log.notifyCursor() == NotifyCursor(seq: 0))
        try await s.addDevice(device("pi-1", t0))
        _ = try await s.recordFlips([flip("pi-1", .new, .up, t0 + 1)])
        _ = try await s.recordFlips([flip("pi-1", .up, .down, t0 + 2)])
        _ = try await s.insertEvents([outage("pi-1", t0 + 3)], receivedAt: t0 + 3)
        _ = try await s.recordFlips([flip("pi-1", .down, .up, t0 + 4)])
        let rows = try await log.toldEvents(afterSeq: 0, limit: 10)
        #expect(rows.count == 3 && rows.map(\.seq) == rows.map(\.seq).sorted())
        #expect(try await log.toldEvents(afterSeq: rows[0].seq, limit: 1).map(\.seq) == [rows[1].seq])
        try await log.setNotifyCursor(NotifyCursor(seq: rows[1].seq))
        try await log.setNotifyCursor(NotifyCursor(seq: rows[0].seq)) // never back
        let again = try #require(try await h.open() as? any NotificationLog)
        #expect(try await again.notifyCursor() == NotifyCursor(seq: rows[1].seq))
        // The rows before it still held are kept with it.
        try await again.setNotifyCursor(NotifyCursor(seq: rows[2].seq, held: [rows[1].seq, rows[0].seq]))
        #expect(try await log.notifyCursor() == NotifyCursor(seq: rows[2].seq, held: [rows[0].seq, rows[1].seq]))
        #expect(try await again.toldEvents(afterSeq: rows[1].seq, limit: 10).map(\.seq) == [rows[2].seq])
    }

    @Test(arguments: Backend.all) func pauseKeepsTheStatusAndResumeRestoresIt(_ backend: Backend) async throws {
        let (h, s) = try await fresh(backend)
        defer { h.remove() }
        try await s.addDevice(device("pi-1", t0))
        #expect(try await s.recordFlips([flip("pi-1", .new, .up, t0 + 1)]).count == 1)
        #expect(try await s.setPaused(true, flip: flip("pi-1", .up, .paused, t0 + 2)))
        var d = try #require(try await s.device(named: "pi-1"))
        #expect(d.paused && d.status == .up && d.statusSince == t0 + 1)
        #expect(try await s.setPaused(false, flip: flip("pi-1", .paused, .up, t0 + 3)))
        d = try #require(try await s.device(named: "pi-1"))
        #expect(!d.paused && d.status == .up && d.statusSince == t0 + 3)
        let kinds = try await s.events(device: "pi-1", since: nil, afterSeq: nil, limit: 10).compactMap {
            e -> String? in
            if case .flip(let f) = e.event.payload { return "\(f.from.rawValue)>\(f.to.rawValue)" }
            return nil
        }
        #expect(kinds == ["new>up", "up>paused", "paused>up"])
    }

    @Test(arguments: Backend.all) func beatsRoundTripExactly(_ backend: Backend) async throws {
        let (h, s) = try await fresh(backend)
        defer { h.remove() }
        try await s.addDevice(device("pi-1", t0))
        try await s.addDevice(device("pi-2", t0))
        _ = try await s.beginRun(at: t0)
        let beat = BeatState(
            at: t0 + 0.123456, intervalS: 7, agentVersion: "0.1.0", bootID: "boot", clockSkewS: -0.25,
            clockSynced: true, uptimeS: 1234.5, seq: 42)
        try await s.saveBeats(["pi-1": beat, "ghost": beat], aliveAt: t0 + 5)
        #expect(try await s.device(named: "pi-1")?.beat == beat)
        #expect(try await s.device(named: "pi-2")?.beat == nil)
        // The alive mark is what the next run is told.
        #expect(try await s.beginRun(at: t0 + 100) == t0 + 5)
    }

    @Test(arguments: Backend.all) func aFirstRunHasNoPreviousAliveTime(_ backend: Backend) async throws {
        let (h, s) = try await fresh(backend)
        defer { h.remove() }
        #expect(try await s.beginRun(at: t0) == nil)
        #expect(try await s.beginRun(at: t0 + 10) == t0)
    }

    @Test(arguments: Backend.all) func eventsAreStoredOnceByIdAndReadByCursor(_ backend: Backend) async throws {
        let (h, s) = try await fresh(backend)
        defer { h.remove() }
        try await s.addDevice(device("pi-1", t0))
        let a = outage("pi-1", t0 + 10)
        let b = outage("pi-1", t0 + 20)
        let c = outage("pi-1", t0 + 30)
        #expect(try await s.insertEvents([a, b], receivedAt: t0 + 40) == [a.id, b.id])
        // A retry with one new event: the old ones are not stored twice, all ids are answered.
        #expect(try await s.insertEvents([b, c, a], receivedAt: t0 + 50) == [b.id, c.id, a.id])
        let all = try await s.events(device: "pi-1", since: nil, afterSeq: nil, limit: 100)
        #expect(all.map(\.event) == [a, b, c])
        #expect(all.map(\.receivedAt) == [t0 + 40, t0 + 40, t0 + 50])
        #expect(all[0].seq < all[1].seq && all[1].seq < all[2].seq)
        let page = try await s.events(device: "pi-1", since: nil, afterSeq: all[0].seq, limit: 1)
        #expect(page.map(\.event) == [b])
        #expect(try await s.events(device: "pi-1", since: t0 + 20, afterSeq: nil, limit: 100).map(\.event) == [b, c])
        #expect(try await s.events(device: "other", since: nil, afterSeq: nil, limit: 100).isEmpty)
        #expect(try await s.allEvents().map(\.event) == [a, b, c])
    }

    @Test(arguments: Backend.all) func aFlipIsRecordedOnlyFromTheStoredStatus(_ backend: Backend) async throws {
        let (h, s) = try await fresh(backend)
        defer { h.remove() }
        try await s.addDevice(device("pi-1", t0))
        try await s.addDevice(device("pi-2", t0))
        let first = [flip("pi-1", .new, .up, t0 + 1), flip("pi-2", .new, .up, t0 + 1)]
        #expect(try await s.recordFlips(first) == first)
        // Another collector saw the same change: stored status is already up, nothing is recorded twice.
        #expect(try await s.recordFlips([flip("pi-1", .new, .up, t0 + 2)]).isEmpty)
        let down = flip("pi-1", .up, .down, t0 + 3)
        #expect(try await s.recordFlips([down, flip("pi-2", .down, .up, t0 + 3)]) == [down])
        let d = try #require(try await s.device(named: "pi-1"))
        #expect(d.status == .down && d.statusSince == t0 + 3)
        #expect(try await s.events(device: "pi-1", since: nil, afterSeq: nil, limit: 10).count == 2)
        #expect(try await s.events(device: "pi-2", since: nil, afterSeq: nil, limit: 10).count == 1)
    }

    @Test(arguments: Backend.all) func timelineHoldsTheRowsThatShapeOutages(_ backend: Backend) async throws {
        let (h, s) = try await fresh(backend)
        defer { h.remove() }
        try await s.addDevice(device("pi-1", t0))
        try await s.addDevice(device("pi-2", t0))
        _ = try await s.recordFlips([flip("pi-1", .new, .up, t0)])
        // A kind that does not shape the timeline (agent_started does since issue #26: it ends an agent gap).
        let started = Event(device: "pi-1", at: t0 + 100, bootID: "b", payload: .clockJump(deltaS: 5))
        let older = outage("pi-1", t0 + 40)
        let old = outage("pi-1", t0 + 50)
        let new = outage("pi-2", t0 + 200)
        _ = try await s.insertEvents([started, older, old, new], receivedAt: t0 + 300)
        let all = try await s.timelineEvents(since: t0 + 100, device: nil)
        // Before the window: the flip (it says the status since then) and the newest outage (the device's
        // last one); not older outages, nor a clock jump.
        #expect(all["pi-1"]?.map(\.event.kind) == [.flip, .outage])
        #expect(all["pi-1"]?.last?.event == old)
        #expect(all["pi-2"]?.map(\.event) == [new])
        #expect(
            try await s.timelineEvents(since: t0, device: "pi-1")["pi-1"]?.map(\.event.kind) == [
                .flip, .outage, .outage,
            ])
        #expect(try await s.timelineEvents(since: t0, device: "pi-1")["pi-2"] == nil)
    }

    @Test(arguments: Backend.all) func retentionKeepsTheFirstFlipAndDailyFiguresAreReplaced(_ backend: Backend)
        async throws
    {
        let (h, s) = try await fresh(backend)
        defer { h.remove() }
        try await s.addDevice(device("pi-1", t0))
        _ = try await s.recordFlips([flip("pi-1", .new, .up, t0), flip("pi-1", .up, .down, t0 + 10)])
        _ = try await s.insertEvents([outage("pi-1", t0 + 20), outage("pi-1", t0 + 1000)], receivedAt: t0 + 1000)
        #expect(try await s.deleteEvents(before: t0 + 500) == 2)
        #expect(
            try await s.events(device: "pi-1", since: nil, afterSeq: nil, limit: 10).map(\.event.at) == [t0, t0 + 1000])
        try await s.saveDaily([("pi-1", "2026-11-02", 10, 100), ("pi-1", "2026-11-01", 0, 86_400)])
        try await s.saveDaily([("pi-1", "2026-11-02", 20, 200)])
        let daily = try await s.daily(device: "pi-1")
        #expect(daily.map(\.day) == ["2026-11-01", "2026-11-02"])
        #expect(daily.map(\.down) == [0, 20] && daily.map(\.known) == [86_400, 200])
        #expect(try await s.daily(device: "ghost").isEmpty)
    }

    @Test(arguments: Backend.all) func upsEventsAreStoredOnceByIdAndReadNewestFirst(_ backend: Backend) async throws {
        let (h, s) = try await fresh(backend)
        defer { h.remove() }
        let out = StoredUPSEvent(
            ups: "ups@nas:3493", kind: .mainsOut, at: t0, status: "OB DISCHRG", charge: 73, runtime: 1260,
            inputVoltage: 0)
        let lost = StoredUPSEvent(ups: "ups@nas:3493", kind: .commsLost, at: t0 + 10, reason: "connection refused")
        let other = StoredUPSEvent(ups: "ups2@nas:3493", kind: .lowBattery, at: t0 + 5, status: "OB LB", charge: 9)
        #expect(try await s.insertUPSEvents([out, lost, other]) == [out.id, lost.id, other.id])
        // Written again (a retry, a second collector): nothing doubles.
        try await s.insertUPSEvents([out, lost])
        let all = try await s.upsEvents(ups: nil, since: nil, limit: 10)
        #expect(all.map(\.id) == [lost.id, other.id, out.id])
        #expect(all.allSatisfy { $0.seq > 0 })
        var read = try #require(all.last)
        read.seq = 0
        #expect(read == out)
        #expect(read.event.summary == "mains out; UPS on battery, 73 %, 21 min left")
        #expect(
            try await s.upsEvents(ups: "ups@nas:3493", since: nil, limit: 10).map(\.kind) == [.commsLost, .mainsOut])
        #expect(try await s.upsEvents(ups: "ups@nas:3493", since: t0 + 1, limit: 10).map(\.kind) == [.commsLost])
        #expect(try await s.upsEvents(ups: nil, since: nil, limit: 1).map(\.id) == [lost.id])
        #expect(try await s.upsEvents(ups: "ghost@nas:3493", since: nil, limit: 10).isEmpty)
        // Retention takes UPS events too.
        #expect(try await s.deleteEvents(before: t0 + 6) == 2)
        #expect(try await s.upsEvents(ups: nil, since: nil, limit: 10).map(\.id) == [lost.id])
    }

    @Test(arguments: Backend.all) func deliveriesAreReadNewestFirstPerDevice(_ backend: Backend) async throws {
        let (h, s) = try await fresh(backend)
        defer { h.remove() }
        let a = DeliveryRecord(
            at: t0, devices: ["pi-1", "pi-2"], notifier: "ntfy", kind: "group", attempt: 1, ok: false,
            detail: "HTTP 500")
        let b = DeliveryRecord(
            at: t0 + 5, devices: ["pi-1"], notifier: "ntfy", kind: "down", attempt: 2, ok: true, detail: "HTTP 200")
        try await s.recordDelivery(a)
        try await s.recordDelivery(b)
        #expect(try await s.deliveries(device: "pi-1", limit: 10) == [b, a])
        #expect(try await s.deliveries(device: "pi-1", limit: 1) == [b])
        #expect(try await s.deliveries(device: "pi-2", limit: 10) == [a])
    }

    @Test(arguments: Backend.all) func maintenanceWindowsGetIds(_ backend: Backend) async throws {
        let (h, s) = try await fresh(backend)
        defer { h.remove() }
        let w1 = try MaintenanceWindow.parse("all weekly sun 02:00-04:00")
        let w2 = try MaintenanceWindow.parse("device:pi-1 once 2026-12-24T00:00:00Z 2026-12-27T00:00:00Z")
        let id1 = try await s.addMaintenance(w1)
        let id2 = try await s.addMaintenance(w2)
        #expect(id1 != id2)
        #expect(try await s.maintenanceWindows().map { [$0.id ?? -1: $0.spec] } == [[id1: w1.spec], [id2: w2.spec]])
        #expect(try await s.removeMaintenance(id: id1))
        #expect(try await !s.removeMaintenance(id: id1))
        #expect(try await s.maintenanceWindows().map(\.id) == [id2])
    }

    @Test(arguments: Backend.all) func theChangeMarkMovesForOtherConnectionsOnly(_ backend: Backend) async throws {
        let (h, s) = try await fresh(backend)
        defer { h.remove() }
        try await s.addDevice(device("pi-1", t0))
        let mark = try await s.externalChangeMark()
        _ = try await s.setInterval(30, device: "pi-1")
        _ = try await s.recordFlips([flip("pi-1", .new, .up, t0)])
        #expect(try await s.externalChangeMark() == mark)
        let cli = try await h.open()
        _ = try await cli.setTags(["x"], device: "pi-1")
        let moved = try await s.externalChangeMark()
        #expect(moved != mark)
        #expect(try await s.externalChangeMark() == moved)
    }

    @Test(arguments: Backend.all) func reopeningKeepsEverything(_ backend: Backend) async throws {
        let (h, s) = try await fresh(backend)
        defer { h.remove() }
        try await s.addDevice(device("pi-1", t0))
        let e = outage("pi-1", t0)
        _ = try await s.insertEvents([e], receivedAt: t0)
        // Opening again runs no migration twice and sees the same rows.
        let again = try await h.open()
        #expect(try await again.allDevices().map(\.name) == ["pi-1"])
        #expect(try await again.allEvents().map(\.event) == [e])
    }
}

/// PostgreSQL's migrations: a database made by an older version is brought up to date, rows kept.
@Suite struct PostgresMigrationTests {
    static let postgres = Backend.all.filter { $0 == .postgres }

    @Test(arguments: postgres) func anOlderDatabaseIsMigratedKeepingItsRows(_ backend: Backend) async throws {
        let h = try StoreHandle.fresh(backend)
        guard case .postgres(let url) = h.location else { return }
        // The database as the first version left it: only v1, with a device and a flip.
        let conn = try await PostgresStore.connect(url, schema: h.schema, logger: Logger(label: "test"))
        try await PostgresStore.migrate(
            conn, schema: h.schema, logger: Logger(label: "test"),
            migrations: Array(PostgresStore.migrations.prefix(1)))
        let at = Date(timeIntervalSince1970: 1_795_335_000)
        try await conn.query(
            """
            INSERT INTO device (name, token_hash, created_at, status, status_since) VALUES ('pi-1', '\\x01'::bytea, \(at.timeIntervalSince1970), 'up', 0)
            """, logger: Logger(label: "test"))
        try await conn.close()
        let store = try await h.open()
        let pg = try #require(store as? PostgresStore)
        #expect(try await pg.appliedMigrations() == PostgresStore.migrations.map(\.version))
        #expect(try await store.allDevices().map(\.name) == ["pi-1"])
        _ = try await store.insertEvents(
            [Event(device: "pi-1", at: at, bootID: "b", payload: .shutdown)], receivedAt: at)
        // Opened again: nothing is applied twice.
        let again = try #require(try await h.open() as? PostgresStore)
        #expect(try await again.appliedMigrations() == PostgresStore.migrations.map(\.version))
        #expect(try await again.allEvents().count == 1)
    }
}
