import DowntimeProtocol
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing
import _ConnectionPoolModule

@testable import CollectorCore
@testable import CollectorRules

/// The step detector and the collector's clock and store states: pure, on frozen clocks.
@Suite struct ClockStepTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_335_000)

    static func at(_ wall: Double, _ mono: Double) -> CollectorTime {
        CollectorTime(wall: t0 + wall, steady: Date(timeIntervalSince1970: 1000 + mono))
    }

    // (wall advance, monotonic advance, step reported): over 2 s either way is a step, time passing is not.
    @Test(
        arguments: [
            (1.0, 1.0, nil), (0.0, 0.0, nil), (3601.0, 1.0, 3600.0), (-3599.0, 1.0, -3600.0), (2.9, 1.0, nil),
            (3.1, 1.0, 2.1), (1.0, 3.5, -2.5), (1.0, 2.9, nil), (600.0, 600.0, nil),
        ] as [(Double, Double, Double?)])
    func stepsOverTheThresholdAreJumps(wall: Double, mono: Double, expected: Double?) {
        var d = ClockStepDetector()
        #expect(d.observe(Self.at(0, 0)) == nil)
        let step = d.observe(Self.at(wall, mono))
        if let expected {
            #expect(step.map { abs($0 - expected) < 1e-6 } == true, "\(String(describing: step))")
        } else {
            #expect(step == nil)
        }
    }

    @Test func aStepIsReportedOnceAndTheFirstReadingOnlySetsTheReference() {
        var d = ClockStepDetector()
        #expect(d.observe(Self.at(5000, 0)) == nil)
        #expect(d.observe(Self.at(8601, 1)) == 3600)
        #expect(d.observe(Self.at(8602, 2)) == nil)
    }

    @Test func anUnsyncedStartSteppedIntoSyncGivesTheOffset() {
        var w = ClockWatch()
        #expect(w.observe(Self.at(-10_800, 0), synced: false) == [.unsynced])
        #expect(w.observe(Self.at(-10_790, 10), synced: false) == [])
        let changes = w.observe(Self.at(21, 21), synced: true)
        #expect(changes == [.jump(10_800), .synced(offset: 10_800, unsyncedSince: Self.at(-10_800, 0))])
        #expect(w.synced == true && w.jumps == 1 && w.unsyncedSince == nil)
        // Synced from the start: nothing to say.
        var s = ClockWatch()
        #expect(s.observe(Self.at(0, 0), synced: true) == [] && s.observe(Self.at(1, 1), synced: true) == [])
    }

    /// A step that the next step undoes (the clock back where it was against the monotonic one) was an excursion;
    /// one that does not, or an hour later, is not.
    @Test func aStepUndoneIsAnExcursion() {
        var w = ClockWatch()
        _ = w.observe(Self.at(0, 0), synced: true)
        #expect(w.observe(Self.at(31, 1), synced: true) == [.jump(30)])
        #expect(w.observe(Self.at(32, 2), synced: true) == [])
        #expect(
            w.observe(Self.at(3, 3), synced: true) == [
                .jump(-30), .steppedBack(offset: -30, since: Self.at(31, 1), gap: 1),
            ])
        // A correction that stays: no excursion.
        #expect(w.observe(Self.at(104, 4), synced: true) == [.jump(100)])
        #expect(w.observe(Self.at(205, 5), synced: true) == [.jump(100)])
        // Back to before the first of those two: not the newest step's undoing.
        #expect(w.observe(Self.at(6, 6), synced: true) == [.jump(-200)])
        // Undone after more than an hour: kept.
        var late = ClockWatch()
        _ = late.observe(Self.at(0, 0), synced: true)
        _ = late.observe(Self.at(61, 1), synced: true)
        #expect(late.observe(Self.at(3702, 3702), synced: true) == [.jump(-60)])
    }

    @Test func storeHealthChangesOnceEachWayAndSettlesBeforeRecovering() {
        var h = StoreHealth(settle: 5)
        #expect(h.succeeded(at: Self.at(0, 0)) == nil)
        #expect(h.failed(.full, message: "database or disk is full", at: Self.at(1, 1)) == .failing(.full))
        #expect(h.failed(.ioError, message: "disk I/O error", at: Self.at(2, 2)) == nil)
        #expect(h.fault == .full && h.since == Self.t0 + 1 && h.message == "disk I/O error")
        // A small write that still fits is no recovery; five quiet seconds after the last failure are.
        #expect(h.succeeded(at: Self.at(3, 3)) == nil)
        #expect(h.failed(.full, message: "full", at: Self.at(4, 4)) == nil)
        #expect(h.succeeded(at: Self.at(8.9, 8.9)) == nil)
        #expect(h.succeeded(at: Self.at(9, 9)) == .recovered(after: 8))
        #expect(h.fault == nil && h.succeeded(at: Self.at(20, 20)) == nil)
    }

    /// Issue #35: a database that answers again is back at its first success, without the disk's settle time.
    @Test func aDatabaseAwayRecoversAtTheFirstSuccess() {
        var h = StoreHealth(settle: 5)
        #expect(h.failed(.unavailable, message: "no answer", at: Self.at(1, 1)) == .failing(.unavailable))
        #expect(h.failed(.unavailable, message: "no answer", at: Self.at(16, 16)) == nil)
        #expect(h.succeeded(at: Self.at(16.5, 16.5)) == .recovered(after: 15.5))
        #expect(h.fault == nil)
    }

    @Test func aDatabaseWithoutAnswerIsAStoreFault() {
        #expect(StoreFault.classify(StoreTimeout(seconds: 2)) == .unavailable)
        #expect(StoreFault.classify(ConnectionPoolError.connectionCreationCircuitBreakerTripped) == .unavailable)
        #expect(StoreFault.classify(CancellationError()) == nil)
        #expect("\(StoreTimeout(seconds: 2))" == "no answer from the database within 2 s")
    }

    /// The deadline holds even for a call that never ends and ignores its cancellation (a statement on a
    /// connection the server dropped); a call within it gives its own value or error.
    @Test func aStoreCallHasADeadline() async throws {
        await #expect(throws: StoreTimeout(seconds: 0.05)) {
            try await StoreTimeout.bounded(0.05) { () async throws -> Int in
                await withCheckedContinuation { (_: CheckedContinuation<Void, Never>) in } // never resumed
                return 1
            }
        }
        #expect(try await StoreTimeout.bounded(5) { 42 } == 42)
        await #expect(throws: StoreTimeout(seconds: 7)) {
            try await StoreTimeout.bounded(5) { () async throws -> Int in throw StoreTimeout(seconds: 7) }
        }
    }
}

/// The fleet's liveness on the monotonic clock: a device beats at (t0, monotonic 1000), then the wall clock
/// steps by `step` and `elapsed` seconds pass; interval 10, misses 3, grace 5.
@Suite struct MonotonicLivenessTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_335_000)
    static let s0 = Date(timeIntervalSince1970: 1000)

    @Test(arguments: [
        (3600.0, 1.0, DeviceStatus.up), (-3600.0, 1.0, .up), (3600.0, 14.9, .up), (86_400.0, 15.0, .late),
        (3600.0, 34.9, .late), (-3600.0, 34.9, .late), (-3600.0, 35.0, .down), (3600.0, 35.0, .down),
        (0.0, 35.0, .down),
    ])
    func stepsMoveNoDeadline(step: Double, elapsed: Double, expected: DeviceStatus) async {
        let f = Fleet(policy: LivenessPolicy(misses: 3, grace: 5), defaultInterval: 10)
        let start = CollectorTime(wall: Self.t0 - 100, steady: Self.s0 - 100)
        let record = DeviceRecord(name: "pi", tokenHash: [1], createdAt: Self.t0 - 200)
        await f.load([record], now: start, freshWindow: true)
        let hb = Heartbeat(
            device: "pi", seq: 1, bootID: "b", uptimeS: 1, sentAt: Self.t0, clockSynced: true,
            intervalS: 10, agentVersion: "1")
        _ = await f.beat(hb, receivedAt: CollectorTime(wall: Self.t0, steady: Self.s0))
        let now = CollectorTime(wall: Self.t0 + step + elapsed, steady: Self.s0 + elapsed)
        let (flips, nextDown) = await f.sweep(now: now, maintenance: MaintenancePlan(windows: []))
        #expect(await f.live("pi")?.status == expected)
        // A down flip is dated at the beat on the wall clock it is recorded by (the monotonic distance back from
        // now), so a step between beat and flip is not carried into it; the next deadline is monotonic.
        #expect(flips.map(\.event.at) == (expected == .down ? [Self.t0 + step] : []))
        #expect(nextDown == (expected == .down ? nil : Self.s0 + 35))
    }
}

/// Liveness on the monotonic clock, the collector's clock records, and store faults as 503, through a real store.
@Suite struct CollectorClockTests {
    /// A real store fault: the store's own SQLite writer connection set read-only (`query_only`), so every write
    /// fails with SQLITE_READONLY, as on a file system remounted read-only.
    static func readOnly(_ sqlite: SQLiteStore, _ on: Bool) async throws {
        try await sqlite.pool.barrierWriteWithoutTransaction { db in
            try db.execute(sql: "PRAGMA query_only = \(on ? "ON" : "OFF")")
        }
    }

    static func view(_ client: any TestClientProtocol, _ name: String = "pi-1") async throws -> DeviceView {
        try await client.getJSON("/api/v1/devices/\(name)", as: DeviceView.self)
    }

    static func flips(_ client: any TestClientProtocol, _ name: String = "pi-1") async throws -> [Event] {
        let events = try await client.getJSON("/api/v1/devices/\(name)/events", as: EventList.self).events
        return events.filter { $0.kind == .flip }
    }

    @Test(arguments: Backend.all) func aForwardStepFlipsNothing(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let token = try await h.addDevice("pi-1")
        try await h.test { client in
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1"), token: token)
            try await h.collector.sweeper.sweep()
            h.clock.advance(1)
            h.clock.step(3600)
            try await h.collector.sweeper.sweep()
            #expect(try await Self.view(client).status == .up)
            h.clock.advance(5)
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1", seq: 2), token: token)
            try await h.collector.sweeper.sweep()
            #expect(try await Self.view(client).status == .up)
            #expect(try await Self.flips(client).count == 1) // new → up only
            let state = try await client.getJSON("/api/v1/collector", as: CollectorState.self)
            #expect(state.clockJumps == 1 && state.lastJumpS == 3600 && state.records.map(\.kind) == ["clock_jump"])
            let (_, metrics, _) = try await client.get("/metrics")
            #expect(metrics.contains("downtime_collector_clock_jumps_total 1\n"))
            #expect(metrics.contains("downtime_collector_clock_last_jump_seconds 3600.000\n"))
            let (_, page, _) = try await client.get("/")
            #expect(page.contains("Collector clock stepped by +3600.0 s"))
        }
    }

    @Test(arguments: Backend.all) func aBackwardStepDoesNotDelayDown(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let token = try await h.addDevice("pi-1")
        try await h.test { client in
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1"), token: token)
            let lastBeat = h.clock.now()
            try await h.collector.sweeper.sweep()
            h.clock.step(-3600)
            h.clock.advance(34.999)
            let nextDown = try #require(try await h.collector.sweeper.sweep())
            #expect(try await Self.view(client).status == .late)
            // The next deadline is on the monotonic clock: 1 ms away, not an hour.
            #expect(abs(nextDown.timeIntervalSince(h.collector.time().steady) - 0.001) < 1e-6)
            h.clock.advance(0.001)
            try await h.collector.sweeper.sweep()
            #expect(try await Self.view(client).status == .down)
            let flips = try await Self.flips(client)
            // Dated at the last beat on the clock of the flip: the beat was an hour ahead of today's clock.
            #expect(flips.count == 2 && flips.last?.at == lastBeat - 3600)
            guard case .flip(let f)? = flips.last?.payload else {
                Issue.record("no flip")
                return
            }
            #expect(f.reason.hasPrefix("no heartbeat for 35 s"), "\(f.reason)")
        }
    }

    @Test(arguments: Backend.all) func anUnsyncedStartIsMarkedAndReDatedWhenItSyncs(_ backend: Backend) async throws {
        let clock = ManualClock()
        let real = clock.now()
        clock.step(-10_800)
        let sync = ManualClockSync(false)
        let h = try await Harness.make(backend, clock: clock, sync: sync)
        let token = try await h.addDevice("pi-1")
        try await h.test { client in
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1"), token: token)
            let up = try #require(try await Self.flips(client).first)
            guard case .flip(let f) = up.payload else {
                Issue.record("no flip")
                return
            }
            #expect(f.reason.hasSuffix(UnsyncedRedating.caveat) && up.at == real - 10_800)
            var state = try await client.getJSON("/api/v1/collector", as: CollectorState.self)
            #expect(!state.clockSynced && state.unsyncedSince == real - 10_800)
            let (_, page, _) = try await client.get("/")
            #expect(page.contains("Collector clock not synchronised"))

            // NTP steps the clock into sync: the beat received meanwhile is re-dated by the offset.
            h.clock.advance(2)
            h.clock.step(10_800)
            sync.set(true)
            try await h.collector.sweeper.sweep()
            state = try await client.getJSON("/api/v1/collector", as: CollectorState.self)
            #expect(state.clockSynced && state.clockJumps == 1)
            #expect(state.records.map(\.kind) == ["clock_unsynced", "clock_jump", "clock_synced"])
            #expect(state.records.last?.deltaS == 10_800)
            #expect(try await Self.view(client).lastSeen == real)
            // Issue #26: the flip recorded meanwhile is re-dated by the same offset, and says so.
            let redated = try #require(try await Self.flips(client).first)
            guard case .flip(let r) = redated.payload else {
                Issue.record("no flip")
                return
            }
            #expect(redated.at == real && r.reason.hasSuffix(UnsyncedRedating.note(10_800)), "\(r.reason)")
            #expect(!r.reason.contains("uncertain"))
            let device = try #require(try await h.store.device(named: "pi-1"))
            #expect(device.statusSince == real)
            #expect(await h.collector.admin.fleet.live("pi-1")?.record.statusSince == real)
            // Silent from then on: down at its deadline, dated at the re-dated beat.
            h.clock.advance(33)
            try await h.collector.sweeper.sweep()
            let flips = try await Self.flips(client)
            #expect(flips.count == 2 && flips.last?.at == real, "\(flips.map(\.at))")
            guard case .flip(let down)? = flips.last?.payload else {
                Issue.record("no flip")
                return
            }
            #expect(!down.reason.contains("uncertain"))
        }
    }

    /// Issue #26: a collector that did not run (SIGSTOP) heard nothing; no device is down for that silence. One that
    /// stays silent afterwards is down a whole deadline later, dated at its last beat.
    @Test func aStalledCollectorCallsNobodyDownForItsOwnSilence() async throws {
        let h = try await Harness.make()
        let token = try await h.addDevice("pi-1")
        try await h.test { client in
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1"), token: token)
            let lastBeat = h.clock.now()
            try await h.collector.sweeper.sweep()
            h.clock.advance(40) // past the 35 s deadline, while the process was stopped
            await h.collector.sweeper.stalled(for: 39)
            try await h.collector.sweeper.sweep()
            #expect(try await Self.view(client).status == .up)
            #expect(try await Self.flips(client).count == 1)
            let records = h.collector.health.snapshot().records
            #expect(records.map(\.kind) == [.collectorStalled] && records.first?.deltaS == 39)
            h.clock.advance(35)
            try await h.collector.sweeper.sweep()
            let flips = try await Self.flips(client)
            #expect(try await Self.view(client).status == .down && flips.last?.at == lastBeat)
            // A short stall (a loaded moment) resets the windows without a record.
            await h.collector.sweeper.stalled(for: 2)
            #expect(h.collector.health.snapshot().records.count == 1)
        }
    }

    /// A beat queued while the process was stopped is read in the burst after it: it is dated by the device's send
    /// time (the skew measured before the stall), so the outage of a device that died in the stall starts then.
    @Test func aBeatQueuedDuringAStallIsDatedWhenItWasSent() async throws {
        let h = try await Harness.make()
        let token = try await h.addDevice("pi-1")
        try await h.test { client in
            let first = h.clock.now()
            let sentFirst = first - 0.25 // the device's clock, a quarter second behind
            try await client.post(
                "/api/v1/heartbeat", heartbeatJSON("pi-1", sentAt: WireTime.format(sentFirst)), token: token)
            try await h.collector.sweeper.sweep()
            // Sent 3 s later, just before the device died; the collector was stopped and reads it 8 s later.
            h.clock.advance(11)
            try await client.post(
                "/api/v1/heartbeat",
                heartbeatJSON("pi-1", seq: 2, sentAt: WireTime.format(sentFirst + 3)), token: token)
            await h.collector.sweeper.stalled(for: 10)
            try await h.collector.sweeper.sweep()
            h.clock.advance(40)
            try await h.collector.sweeper.sweep()
            let down = try #require(try await Self.flips(client).last)
            #expect(down.at == first + 3, "dated at \(WireTime.format(down.at)), sent at \(WireTime.format(first + 3))")
            #expect(try await Self.view(client).clockSkewS == 0.25)
            // Past the burst, a beat is dated at its receipt again.
            try await client.post(
                "/api/v1/heartbeat",
                heartbeatJSON("pi-1", seq: 3, sentAt: WireTime.format(sentFirst + 20)), token: token)
            #expect(try await Self.view(client).lastSeen == h.clock.now())
        }
    }

    /// A clock stepped ahead and back: the flip recorded in between (dated on the stepped clock) is moved back by the
    /// step and says so, so the outage is where it was and pairs with what the agents report.
    @Test(arguments: Backend.all) func aFlipRecordedWhileTheClockWasSteppedAwayIsReDatedWhenItStepsBack(
        _ backend: Backend
    ) async throws {
        let h = try await Harness.make(backend)
        let token = try await h.addDevice("pi-1")
        try await h.test { client in
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1"), token: token)
            let lastBeat = h.clock.now()
            try await h.collector.sweeper.sweep()
            h.clock.step(600)
            try await h.collector.sweeper.sweep()
            h.clock.advance(40)
            try await h.collector.sweeper.sweep()
            #expect(try await Self.flips(client).last?.at == lastBeat + 600)
            h.clock.step(-600)
            h.clock.advance(1)
            try await h.collector.sweeper.sweep()
            let down = try #require(try await Self.flips(client).last)
            guard case .flip(let f) = down.payload else { return }
            #expect(down.at == lastBeat && f.to == .down, "\(down.at) \(lastBeat)")
            #expect(f.reason.hasSuffix("; re-dated by -600.0 s when the collector's clock stepped back"), "\(f.reason)")
        }
    }

    /// The alive mark written while the clock was stepped ahead is in the future: a step back writes it again at
    /// once, so a kill right after is measured from the right time (no time away recorded at all otherwise).
    @Test(arguments: Backend.all) func aStepBackRewritesTheAliveMark(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        try await h.collector.sweeper.sweep()
        h.clock.step(600)
        try await h.collector.sweeper.sweep()
        try await h.collector.sweeper.flush()
        h.clock.step(-600)
        h.clock.advance(1)
        try await h.collector.sweeper.sweep()
        let alive = try #require(try await h.otherConnection().beginRun(at: h.clock.now()))
        #expect(abs(alive.timeIntervalSince(h.clock.now())) < 1, "alive mark \(alive), now \(h.clock.now())")
    }

    /// Issue #26: the collector's own records outlive a restart, and its time away is one of them.
    @Test(arguments: Backend.all) func aRestartKeepsTheCollectorsRecordsAndAddsItsTimeAway(_ backend: Backend)
        async throws
    {
        let h = try await Harness.make(backend)
        _ = try await h.addDevice("pi-1")
        h.clock.step(30) // a clock_jump record of the first run
        try await h.collector.sweeper.sweep()
        let killedAt = h.clock.now()
        try await h.collector.sweeper.flush()
        let again = try await h.restarted(after: 90)
        let records = again.collector.health.snapshot().records
        #expect(records.map(\.kind) == [.clockJump, .collectorDown], "\(records.map(\.detail))")
        let away = try #require(records.last)
        #expect(away.deltaS.map { abs($0 - 90) < 0.01 } == true && away.at == killedAt + 90)
        #expect(away.detail.contains("not running from \(WireTime.format(killedAt))"))
        // Stored by the next flush, once: a third run sees both, and its own time away.
        try await again.collector.sweeper.flush()
        try await again.collector.sweeper.flush()
        let third = try await again.restarted(after: 10)
        #expect(third.collector.health.snapshot().records.map(\.kind) == [.clockJump, .collectorDown, .collectorDown])
        #expect(try await third.store.collectorRecords(limit: 10).count == 2)
    }

    @Test func aRestartOnAClockBehindTheLastAliveMarkRecordsNoTimeAway() async throws {
        let h = try await Harness.make()
        _ = try await h.addDevice("pi-1")
        h.clock.step(-3600)
        let again = try await h.restarted(after: 60)
        let rows = try await again.store.events(device: "pi-1", since: nil, afterSeq: nil, limit: 100)
        #expect(!rows.contains { $0.event.kind == .collectorDown })
    }

    /// Issue #35: liveness goes on while the store fails. A device that falls silent then is shown down at its
    /// deadline (from memory), and its flip is recorded, dated at its last beat, once the store takes writes.
    @Test func livenessGoesOnWhileTheStoreFails() async throws {
        let h = try await Harness.make(.sqlite)
        let token = try await h.addDevice("pi-1")
        let sqlite = try #require(h.store as? SQLiteStore)
        @Sendable func readOnly(_ on: Bool) async throws { try await Self.readOnly(sqlite, on) }
        try await h.test { client in
            let beat = try await client.execute(
                uri: "/api/v1/heartbeat", method: .post,
                headers: [.contentType: "application/json", .authorization: "Bearer \(token)"],
                body: ByteBuffer(string: heartbeatJSON("pi-1"))
            ) { $0.status }
            #expect(beat == .ok)
            let lastBeat = h.clock.now()
            try await readOnly(true)
            h.clock.advance(36) // interval 10, misses 3, grace 5: down after 35 s
            await #expect(throws: (any Error).self) { try await h.collector.sweeper.sweep() }
            #expect(try await Self.view(client).status == .down)
            #expect(try await Self.flips(client).map { Self.to($0) } == [.up])
            try await readOnly(false)
            try await h.collector.sweeper.sweep()
            let flips = try await Self.flips(client)
            #expect(flips.map { Self.to($0) } == [.up, .down])
            #expect(flips.last.map { abs($0.at.timeIntervalSince(lastBeat)) < 0.01 } == true)
        }
    }

    static func to(_ e: Event) -> DeviceStatus? {
        guard case .flip(let f) = e.payload else { return nil }
        return f.to
    }

    /// A real store fault: the store's own SQLite writer connection set read-only (`query_only`), so every
    /// write fails with SQLITE_READONLY, as on a file system remounted read-only. (A full disk is
    /// `CollectorFullDiskTests`, end to end on a tmpfs.)
    @Test func aFailingStoreAnswers503WithRetryAfterAndRecovers() async throws {
        let h = try await Harness.make(.sqlite)
        let token = try await h.addDevice("pi-1")
        let sqlite = try #require(h.store as? SQLiteStore)
        @Sendable func readOnly(_ on: Bool) async throws { try await Self.readOnly(sqlite, on) }
        try await h.test { client in
            func post(_ uri: String, _ body: String) async throws -> (HTTPResponse.Status, String?, String) {
                let headers: HTTPFields = [.contentType: "application/json", .authorization: "Bearer \(token)"]
                let buffer = ByteBuffer(string: body)
                return try await client.execute(uri: uri, method: .post, headers: headers, body: buffer) {
                    ($0.status, $0.headers[.retryAfter], String(buffer: $0.body))
                }
            }
            let events = IngestTests.outageBatch(id: UUID())
            try await readOnly(true)
            let hb = try await post("/api/v1/heartbeat", heartbeatJSON("pi-1")) // new → up needs a write
            #expect(hb.0 == .serviceUnavailable && hb.1 == "5", "\(hb)")
            let ev = try await post("/api/v1/events", events)
            #expect(ev.0 == .serviceUnavailable && ev.1 == "5", "\(ev)")
            #expect(ev.2.contains("store is failing"))
            var state = try await client.getJSON("/api/v1/collector", as: CollectorState.self)
            #expect(!state.storeOK && state.storeFault != nil && state.records.map(\.kind) == ["store_failing"])
            let (_, metrics, _) = try await client.get("/metrics")
            #expect(metrics.contains("downtime_collector_store_failing{fault=\"\(state.storeFault ?? "")\"} 1"))
            let (_, page, _) = try await client.get("/")
            #expect(page.contains("Collector store failing"))
            #expect(metrics.contains("\ndowntime_store_up 0\n"))
            // Issue #35: /healthz says it too, with the fault and a Retry-After.
            let health = try await client.execute(uri: "/healthz", method: .get) {
                ($0.status, $0.headers[.retryAfter], String(buffer: $0.body))
            }
            #expect(health.0 == .serviceUnavailable && health.1 == "5", "\(health)")
            #expect(
                health.2.contains("\"store_fault\":\"read_only\"") && health.2.contains("\"status\":\"store failing\""))

            // Writable again: the same requests succeed, the flip the failed beat proposed is recorded now.
            try await readOnly(false)
            #expect(try await post("/api/v1/heartbeat", heartbeatJSON("pi-1", seq: 2)).0 == .ok)
            #expect(try await post("/api/v1/events", events).0 == .ok)
            #expect(try await Self.flips(client).count == 1)
            #expect(try await Self.view(client).status == .up)
            h.clock.advance(6)
            try await h.collector.sweeper.flush()
            state = try await client.getJSON("/api/v1/collector", as: CollectorState.self)
            #expect(state.storeOK && state.records.map(\.kind) == ["store_failing", "store_recovered"])
            // Issue #26: the failure is in the store too, written once the store took writes again.
            try await h.collector.sweeper.flush()
            #expect(try await h.store.collectorRecords(limit: 10).map(\.kind) == [.storeFailing, .storeRecovered])
            #expect(try await client.execute(uri: "/healthz", method: .get) { $0.status } == .ok)
            #expect(try await client.get("/metrics").1.contains("\ndowntime_store_up 1\n"))
        }
    }
}
