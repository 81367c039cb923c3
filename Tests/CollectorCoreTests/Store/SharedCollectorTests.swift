import DowntimeProtocol
import Foundation
import Logging
import PostgresNIO
import Testing

@testable import CollectorCore
@testable import CollectorRules

/// Several collectors on one store: the pure decisions first, then two real collectors on one PostgreSQL schema.
@Suite struct SharedCollectorTests {
    let t0 = Date(timeIntervalSince1970: 1_795_335_000)

    func beat(_ at: Date) -> BeatState {
        BeatState(
            at: at, intervalS: 10, agentVersion: "1", bootID: "b", clockSkewS: 0, clockSynced: true, uptimeS: 1, seq: 1)
    }

    /// A moment on clocks that never stepped: monotonic and wall time agree.
    func at(_ d: Date) -> CollectorTime { CollectorTime(wall: d, steady: d) }

    func fleet(_ status: DeviceStatus, since: Date, beatAt: Date?) async -> Fleet {
        let f = Fleet(policy: LivenessPolicy(), defaultInterval: 10)
        let r = DeviceRecord(
            name: "pi", tokenHash: [1], createdAt: t0, status: status, statusSince: since, beat: beatAt.map(beat))
        await f.load([r], now: at(t0), freshWindow: true)
        return f
    }

    struct MergeCase: Sendable, CustomTestStringConvertible {
        var name: String
        var status: DeviceStatus
        var memoryBeat: TimeInterval?
        var storedBeat: TimeInterval
        var leading: Bool
        var expectFlip: String?
        var testDescription: String { name }
    }

    static let mergeCases: [MergeCase] = [
        .init(
            name: "leader: a stored beat after a recorded down is the up flip", status: .down, memoryBeat: 0,
            storedBeat: 50, leading: true, expectFlip: "down>up"),
        .init(
            name: "leader: a first stored beat is new to up", status: .new, memoryBeat: nil, storedBeat: 5,
            leading: true, expectFlip: "new>up"),
        .init(
            name: "follower never records", status: .down, memoryBeat: 0, storedBeat: 50, leading: false,
            expectFlip: nil),
        .init(
            name: "an older stored beat changes nothing", status: .down, memoryBeat: 60, storedBeat: 50, leading: true,
            expectFlip: nil),
        .init(name: "up stays up", status: .up, memoryBeat: 0, storedBeat: 50, leading: true, expectFlip: nil),
    ]

    @Test(arguments: mergeCases) func mergingStoredBeats(_ c: MergeCase) async {
        // Recorded down at the last beat (t0 + 0).
        let f = await fleet(c.status, since: t0, beatAt: c.memoryBeat.map { t0 + $0 })
        let flips = await f.mergeStored(
            ["pi": beat(t0 + c.storedBeat), "ghost": beat(t0)], leading: c.leading, now: at(t0 + 60))
        #expect(flips.map { "\($0.from?.rawValue ?? "")>\($0.status.rawValue)" } == (c.expectFlip.map { [$0] } ?? []))
        if let flip = flips.first { #expect(flip.event.at == t0 + c.storedBeat) }
        // The newest beat of memory and store is what liveness uses, leader or not.
        #expect(await f.live("pi")?.record.beat?.at == t0 + max(c.memoryBeat ?? 0, c.storedBeat))
    }

    @Test func aDeviceBeatingToAnotherCollectorIsNotCalledDown() async {
        let f = await fleet(.up, since: t0, beatAt: t0)
        // 40 s after our last beat of it: down, unless the store has a newer one from the other collector.
        _ = await f.mergeStored(["pi": beat(t0 + 30)], leading: true, now: at(t0 + 30))
        #expect(await f.sweep(now: at(t0 + 40), maintenance: MaintenancePlan(windows: [])).flips.isEmpty)
        #expect(await f.live("pi")?.status == .up)
        #expect(
            await f.sweep(now: at(t0 + 65), maintenance: MaintenancePlan(windows: [])).flips.map(\.event.at) == [
                t0 + 30
            ])
    }

    @Test func aFollowerShowsDownButRecordsNothing() async {
        let f = await fleet(.up, since: t0, beatAt: t0)
        #expect(
            await f.sweep(now: at(t0 + 100), maintenance: MaintenancePlan(windows: []), recording: false).flips.isEmpty)
        let live = await f.live("pi")
        #expect(live?.status == .down && live?.record.status == .up)
    }

    // MARK: two collectors on one PostgreSQL schema

    static let postgres = Backend.all.filter { $0 == .postgres }

    func flips(_ store: any Store) async throws -> [String] {
        try await store.events(device: "pi-1", since: nil, afterSeq: nil, limit: 100).compactMap { e in
            if case .flip(let f) = e.event.payload { return "\(f.from.rawValue)>\(f.to.rawValue)" }
            return nil
        }
    }

    /// Issue #26's campaign: a device back while the database refuses writes. Its up flip is not recorded, and memory
    /// must not keep it either: once the database takes writes, the next beat records it. (The database refuses the
    /// beat's write as a server shutting down does, SQLSTATE 57P01, through a trigger of the test's own schema.)
    @Test(arguments: postgres) func anUpFlipTheDatabaseRefusedIsRecordedAtTheNextBeat(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        guard case .postgres(let url) = h.handle.location else { return }
        let token = try await h.addDevice("pi-1")
        try await h.test { client in
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1"), token: token)
        }
        h.clock.advance(40)
        try await h.collector.sweeper.sweep()
        #expect(try await h.store.device(named: "pi-1")?.status == .down)
        let conn = try await PostgresStore.connect(url, schema: h.handle.schema, logger: Logger(label: "test"))
        defer { Task { try? await conn.close() } }
        try await conn.query(
            """
            CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN
                RAISE EXCEPTION 'terminating connection due to administrator command' USING ERRCODE = '57P01';
            END $$ LANGUAGE plpgsql
            """, logger: Logger(label: "test"))
        try await conn.query(
            "CREATE TRIGGER refuse BEFORE UPDATE ON device FOR EACH ROW EXECUTE FUNCTION refuse()",
            logger: Logger(label: "test"))
        try await h.test { client in
            let (status, _) = try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1", seq: 2), token: token)
            #expect(status == .serviceUnavailable)
        }
        #expect(await h.collector.admin.fleet.live("pi-1")?.record.status == .down)
        try await conn.query("DROP TRIGGER refuse ON device", logger: Logger(label: "test"))
        h.clock.advance(1)
        try await h.test { client in
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1", seq: 3), token: token)
        }
        #expect(try await h.store.device(named: "pi-1")?.status == .up)
    }

    @Test(arguments: postgres) func oneLeaderRecordsEachFlipOnceAndHandsOver(_ backend: Backend) async throws {
        let (a, b, handle, clock) = try await Harness.leaderAndFollower(backend)
        let token = try await a.addDevice("pi-1")
        // The device beats to B only; B flushes like every 2 s; A leads and must not call it down.
        try await b.test { client in
            for seq in 1...6 {
                try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1", seq: seq), token: token)
                try await b.collector.sweeper.flush()
                clock.advance(10)
                try await a.collector.sweeper.sweep()
                try await b.collector.sweeper.sweep()
            }
        }
        #expect(try await flips(a.store) == ["new>up"])
        #expect(try await a.collector.reads.deviceView("pi-1")?.status == .up)
        // Silent now: the leader records the down flip at the last beat, once; the follower shows it too.
        clock.advance(40)
        try await b.collector.sweeper.sweep()
        try await a.collector.sweeper.sweep()
        try await b.collector.sweeper.sweep()
        #expect(try await flips(a.store) == ["new>up", "up>down"])
        #expect(try await b.collector.reads.deviceView("pi-1")?.status == .down)
        // Back on B: B records down → up; A, seeing the stored beat too, does not record it again, and
        // (B's beats not flushed yet) does not call it down again from its own older beat either.
        try await b.test { client in
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1", seq: 7), token: token)
        }
        try await a.collector.sweeper.sweep()
        try await b.collector.sweeper.sweep()
        #expect(try await flips(a.store) == ["new>up", "up>down", "down>up"])
        // A dies: its lock goes with its connection; B takes the lead on its next sweep and records the next down.
        await a.collector.leadership.release()
        try await b.collector.sweeper.sweep()
        #expect(b.collector.leadership.isLeading)
        clock.advance(40)
        try await b.collector.sweeper.sweep()
        #expect(try await flips(b.store) == ["new>up", "up>down", "down>up", "up>down"])
        // A comes back as a follower and records nothing twice.
        let a2 = try await Harness.make(handle: handle, clock: clock)
        try await a2.collector.sweeper.sweep()
        #expect(!a2.collector.leadership.isLeading)
        clock.advance(5)
        try await a2.collector.sweeper.sweep()
        try await b.collector.sweeper.sweep()
        #expect(try await flips(b.store).count == 4)
        await b.collector.leadership.release()
        await a2.collector.leadership.release()
    }

    /// UPSes: only the leader polls, so only it has a state to show and export; both show the stored events.
    @Test(arguments: postgres) func onlyTheLeaderPollsUPSesAndBothShowTheirEvents(_ backend: Backend) async throws {
        let handle = try StoreHandle.fresh(backend)
        let clock = ManualClock(t0)
        var config = CollectorConfig()
        config.nutServers = [NUTServerSpec(host: "nas", ups: ["rack"])]
        let a = try await Harness.make(handle: handle, clock: clock, config: config)
        let b = try await Harness.make(handle: handle, clock: clock, config: config)
        #expect(a.collector.ups.pollsUPS && !b.collector.ups.pollsUPS)
        let reading = UPSReading(status: UPSStatus(parsing: "OB DISCHRG"), charge: 73, runtime: 1260)
        for c in [a, b] { c.collector.ups.upsPolled("rack@nas:3493", .reading(reading), at: t0) }
        try await a.collector.ups.recordUPS([
            StoredUPSEvent(UPSEvent(ups: "rack@nas:3493", kind: .mainsOut, at: t0, reading: reading))
        ])
        #expect(a.collector.ups.states().map(\.onBattery) == [true])
        #expect(b.collector.ups.states().map(\.readable) == [nil])
        for c in [a, b] {
            let overview = try await c.collector.ups.overview(limit: 20)
            #expect(overview.map { $0.events.map(\.kind) } == [[.mainsOut]])
        }
        try await a.test { client in
            let metrics = try await client.get("/metrics").1
            #expect(metrics.contains("downtime_ups_on_battery{ups=\"rack@nas:3493\"} 1"))
        }
        try await b.test { client in
            let metrics = try await client.get("/metrics").1
            #expect(!metrics.contains("downtime_ups_on_battery{"))
            let page = try await client.get("/").1
            #expect(page.contains("not read yet by this collector") && page.contains("mains out; UPS on battery"))
        }
        await a.collector.leadership.release()
        await b.collector.leadership.release()
    }

    @Test(arguments: postgres) func aDownMessageHeldByADyingLeaderIsSentByTheNext(_ backend: Backend) async throws {
        try await withReceiver { port, inbox in
            var config = CollectorConfig()
            config.notifiers = [try NotifierSpec.parse("hook=webhook http://127.0.0.1:\(port)/hook")]
            let handle = try StoreHandle.fresh(backend)
            let clock = ManualClock()
            let a = try await Harness.make(handle: handle, clock: clock, config: config)
            let b = try await Harness.make(handle: handle, clock: clock, config: config)
            #expect(a.collector.leadership.isLeading && !b.collector.leadership.isLeading)
            let token = try await a.addDevice("pi-1")
            try await a.test { client in
                try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1"), token: token)
            }
            await a.collector.notifications.tick() // "new", at once
            clock.advance(40)
            try await a.collector.sweeper.sweep() // up → down: its message waits 10 s for others to group with
            await a.collector.notifications.tick()
            clock.advance(5)
            await a.collector.notifications.tick()
            // The leader dies with the message still held.
            await a.collector.leadership.release()
            try await b.collector.sweeper.sweep()
            #expect(b.collector.leadership.isLeading)
            for _ in 0..<13 {
                clock.advance(1)
                try await b.collector.sweeper.sweep()
                await b.collector.notifications.tick()
            }
            try await NotificationDeliveryTests.settle(a.collector.notifications.notifier!)
            try await NotificationDeliveryTests.settle(b.collector.notifications.notifier!)
            let kinds = await inbox.requests.compactMap { r in
                ["new", "down", "up"].first { r.body.contains("\"event\":\"\($0)\"") }
            }
            #expect(kinds.sorted() == ["down", "new"])
            await b.collector.leadership.release()
        }
    }

    /// The database restarted under two collectors: the beats the follower received meanwhile were in its memory, not
    /// in the store. The leader, seeing the store back, calls nobody down for that silence; a device that stays
    /// silent is down a whole deadline later, dated at its last beat (CI's two-collector run: a false down, 1 s).
    @Test(arguments: postgres) func theLeaderCallsNobodyDownForBeatsTheDatabaseCouldNotTake(_ backend: Backend)
        async throws
    {
        let (a, b, _, clock) = try await Harness.leaderAndFollower(backend)
        let token = try await a.addDevice("pi-1")
        try await b.test { client in
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1"), token: token)
            try await b.collector.sweeper.flush()
            try await a.collector.sweeper.sweep()
            // The database goes away (the leader's write times out); the device beats on to B, which holds them.
            a.collector.health.storeFailed(StoreTimeout(seconds: 2), at: a.collector.clock.now())
            for seq in 2...5 {
                clock.advance(10)
                try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1", seq: seq), token: token)
            }
        }
        let lastBeat = clock.now()
        // Back: the leader sweeps before B's next flush; the stored beat is 40 s old (deadline 35 s).
        clock.advance(1)
        try await a.collector.sweeper.sweep()
        #expect(a.collector.health.snapshot().storeFault == nil)
        #expect(try await flips(a.store) == ["new>up"])
        try await b.collector.sweeper.flush()
        clock.advance(5)
        try await a.collector.sweeper.sweep()
        #expect(try await flips(a.store) == ["new>up"])
        // Silent from now: down once its deadline passed, dated at the beat B held.
        clock.advance(36)
        try await a.collector.sweeper.sweep()
        #expect(try await flips(a.store) == ["new>up", "up>down"])
        let down = try await a.store.events(device: "pi-1", since: nil, afterSeq: nil, limit: 10).last
        #expect(down.map { abs($0.event.at.timeIntervalSince(lastBeat)) < 0.01 } == true)
        await a.collector.leadership.release()
        await b.collector.leadership.release()
    }
}
