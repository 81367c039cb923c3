import CurlClient
import DowntimeProtocol
import Foundation
import Testing

@testable import AgentCore

/// An agent on fake facts and a fake transport, in a temporary state folder.
final class Harness {
    let dir = TempDir()
    let facts = FakeFacts()
    let transport = FakeTransport()
    let lines = LogLines()
    /// Empty unless a test writes files: the machine's own sensors never leak into a test.
    let sysfs = FakeSysfs()
    var config: AgentConfig

    init(token: String? = "tok-1", enrollmentKey: String? = nil, limits: OutboxLimits = OutboxLimits()) {
        config = AgentConfig(
            collectorURL: "http://collector", device: "pi-1", token: token, stateDir: dir.path,
            interval: 10, persistInterval: 60, enrollmentKey: enrollmentKey, outboxLimits: limits,
            sysfsRoot: sysfs.root)
    }

    let fs = FaultyFileSystem()

    func agent(random: Double = 0.5) throws -> Agent {
        try Agent(config: config, facts: facts, transport: transport, log: lines.log, random: { random }, fs: fs)
    }

    func state() -> StateLoad { StateFile(path: dir.file("state.json")).load() }
    deinit {
        dir.cleanup()
        sysfs.cleanup()
    }
}

private func network(_ r: FakeTransport.Request) throws(CurlError) -> CurlResponse {
    throw CurlError("Connection refused")
}

private func status(_ code: Int) -> (FakeTransport.Request) throws(CurlError) -> CurlResponse {
    { _ in CurlResponse(status: code, body: Array(#"{"error":"nope"}"#.utf8)) }
}

@Suite struct AgentTests {
    @Test func firstRunBeatsAndSendsAgentStarted() throws {
        let h = Harness()
        let agent = try h.agent()
        #expect(try agent.start().finding == .firstRun)
        agent.tick()
        #expect(h.transport.heartbeats.map(\.seq) == [1])
        let beat = try #require(h.transport.heartbeats.first)
        #expect(beat.device == "pi-1" && beat.bootID == h.facts.boot && beat.uptimeS == 1000 && beat.intervalS == 10)
        #expect(beat.sentAt == h.facts.wall && beat.clockSynced)
        #expect(h.transport.sentEvents.map(\.kind) == [.agentStarted])
        #expect(h.transport.requests.allSatisfy { $0.bearer == "tok-1" })
        #expect(agent.outbox.isEmpty)
        h.facts.advance(10)
        agent.tick()
        h.facts.advance(10)
        agent.tick()
        #expect(h.transport.heartbeats.map(\.seq) == [1, 2, 3])
        #expect(h.transport.sentEvents.count == 1) // nothing new to send
    }

    @Test func powerLossIsFoundAtStartAndSentOnce() throws {
        let h = Harness()
        try StateFile(path: h.dir.file("state.json")).save(
            AgentState(
                bootID: "aaaa-old-boot".replacingOccurrences(of: "o", with: "0").replacingOccurrences(
                    of: "l", with: "1"
                )
                .replacingOccurrences(of: "t", with: "f"),
                lastAlive: h.facts.wall - 4000, lastAliveUptime: 80_000, clockSynced: true))
        let agent = try h.agent()
        #expect(try agent.start().finding == .rebooted(clean: false))
        agent.tick()
        let events = h.transport.sentEvents
        #expect(events.map(\.kind) == [.agentStarted, .outage])
        guard case .outage(let o) = events[1].payload else { return }
        #expect(
            o.cause == .powerLoss && o.start == h.facts.wall - 4000 && o.end == h.facts.wall - 1000
                && o.durationS == 3000)
        // The state now belongs to this boot.
        guard case .loaded(let s) = h.state() else {
            Issue.record("no state")
            return
        }
        #expect(s.bootID == h.facts.boot && s.cleanShutdownAt == nil)
    }

    @Test func anOutageFoundTwiceBecauseOfACrashBeforeTheNewStateKeepsItsID() throws {
        // Two agents start from the same old state, as a crash between spooling the outage and
        // writing the fresh state would make happen: the collector must get one outage, not two.
        let old = AgentState(
            bootID: "0ff0-0ff0", lastAlive: Date(timeIntervalSince1970: 1_795_331_000),
            lastAliveUptime: 80_000, clockSynced: true)
        var ids: [UUID] = []
        for _ in 0..<2 {
            let h = Harness()
            try StateFile(path: h.dir.file("state.json")).save(old)
            let agent = try h.agent()
            try agent.start()
            h.facts.advance(3)
            agent.tick()
            ids += h.transport.sentEvents.filter { $0.kind == .outage }.map(\.id)
        }
        #expect(ids.count == 2 && ids[0] == ids[1])
        #expect(DerivedID.uuid("a") != DerivedID.uuid("b"))
        #expect(DerivedID.uuid("a").uuidString.dropFirst(14).first == "8") // version 8
    }

    @Test func stateIsPersistedEveryPersistIntervalNotEveryTick() throws {
        let h = Harness()
        let agent = try h.agent()
        try agent.start()
        let start = h.facts.wall
        for _ in 0..<5 {
            h.facts.advance(10)
            agent.tick()
        } // 50 s
        guard case .loaded(let s1) = h.state() else {
            Issue.record("no state")
            return
        }
        #expect(s1.lastAlive == start)
        h.facts.advance(10)
        agent.tick() // 60 s
        guard case .loaded(let s2) = h.state() else {
            Issue.record("no state")
            return
        }
        #expect(s2.lastAlive == start + 60 && s2.lastAliveUptime == 1060)
    }

    /// A heartbeat the collector holds for 150 s (to a long timeout) does not hold back the state
    /// write: the last-alive time stays within the persist interval, the precision an outage then reports
    /// (DESIGN: Gap detection on the agent).
    @Test func aHangingRequestDoesNotDelayTheStateWrite() throws {
        let h = Harness()
        let agent = try h.agent()
        try agent.start()
        let facts = h.facts
        h.transport.respond = { [unowned transport = h.transport] _ throws(CurlError) in
            for _ in 0..<150 { // libcurl calls its progress callback about once a second meanwhile
                facts.advance(1)
                transport.whileWaiting?()
            }
            throw CurlError("Operation timed out after 150000 milliseconds with 0 bytes received")
        }
        h.facts.advance(10)
        agent.tick()
        guard case .loaded(let state) = h.state() else {
            Issue.record("no state")
            return
        }
        #expect(h.facts.wall.timeIntervalSince(state.lastAlive) <= 60)
        // Not during a shutdown: the clean-stop mark stays the last state written.
        agent.shutdown()
        guard case .loaded(let stopped) = h.state() else {
            Issue.record("no state")
            return
        }
        #expect(stopped.cleanShutdownAt != nil)
    }

    @Test func shutdownMarksTheStateCleanAndSendsShutdownWithAShortTimeout() throws {
        let h = Harness()
        let agent = try h.agent()
        try agent.start()
        agent.tick()
        h.facts.advance(5)
        agent.shutdown()
        guard case .loaded(let s) = h.state() else {
            Issue.record("no state")
            return
        }
        #expect(s.cleanShutdownAt == h.facts.wall && s.lastAlive == h.facts.wall)
        let last = try #require(h.transport.requests.last)
        #expect(last.path == "/api/v1/events" && last.timeout == 2)
        #expect(h.transport.sentEvents.last?.kind == .shutdown)
        // A restart in the same boot after a clean stop is not an outage.
        h.facts.advance(600)
        #expect(try h.agent().start().finding == .agentRestarted)
    }

    @Test func runLoopTicksUntilStoppedThenShutsDown() throws {
        let h = Harness()
        let agent = try h.agent()
        try agent.start()
        var waits: [Double] = []
        agent.run { seconds in
            waits.append(seconds)
            h.facts.advance(seconds)
            return waits.count == 3
        }
        #expect(waits == [10, 10, 10])
        #expect(h.transport.heartbeats.count == 3)
        #expect(h.transport.sentEvents.last?.kind == .shutdown)
    }

    @Test func aBatchRefusedWith400IsRetriedOneByOneAndOnlyTheBadEventDropped() throws {
        let h = Harness()
        let agent = try h.agent()
        try agent.start()
        h.transport.respond = network
        agent.tick()
        for i in 0..<3 { agent.enqueue(.clockJump(deltaS: Double(10 + i)), at: h.facts.snapshot(bootID: h.facts.boot)) }
        #expect(agent.outbox.count == 4)
        let bad = agent.outbox.entries[1].event.id
        h.transport.requests = []
        h.transport.respond = { r throws(CurlError) in
            guard r.path == "/api/v1/events" else { return try FakeTransport.acceptAll(r) }
            let batch = try! WireCoding.decode(EventBatch.self, from: r.body)
            if batch.events.contains(where: { $0.id == bad }) {
                return CurlResponse(status: 400, body: Array(#"{"error":"bad","field":"events[1].at"}"#.utf8))
            }
            return try FakeTransport.acceptAll(r)
        }
        h.facts.advance(400) // past any backoff
        agent.tick()
        #expect(agent.outbox.isEmpty)
        #expect(agent.shipper.refusedEvents == 1)
        let stored = h.transport.requests.filter { $0.path == "/api/v1/events" }
            .compactMap { r -> [UUID]? in
                let batch = try! WireCoding.decode(EventBatch.self, from: r.body)
                return batch.events.contains { $0.id == bad } ? nil : batch.events.map(\.id)
            }.flatMap { $0 }
        #expect(!stored.contains(bad) && Set(stored).count == stored.count && stored.count == 4)
        #expect(h.lines.lines.contains { $0.hasPrefix("<3>") && $0.contains(bad.wireString) })
    }

    @Test(arguments: [401, 403, 429, 500, 503])
    func refusalsThatMaySucceedLaterKeepEventsAndBackOff(code: Int) throws {
        let h = Harness()
        let agent = try h.agent()
        try agent.start()
        h.transport.respond = { r throws(CurlError) in
            r.path == "/api/v1/events" ? CurlResponse(status: code, body: []) : try FakeTransport.acceptAll(r)
        }
        agent.tick()
        #expect(agent.outbox.count == 1)
        #expect(agent.shipper.backoff.failures == 1)
        let tries = { h.transport.requests.filter { $0.path == "/api/v1/events" }.count }
        #expect(tries() == 1)
        h.facts.advance(0.5) // backoff is 1 s: no retry yet
        agent.tick()
        #expect(tries() == 1)
        h.transport.respond = FakeTransport.acceptAll
        h.facts.advance(1)
        agent.tick()
        #expect(agent.outbox.isEmpty)
        #expect(h.transport.sentEvents.map(\.kind) == [.agentStarted])
        // The retry carried the same event id: the collector stores it once even if the first try got through.
        let tried = h.transport.requests.filter { $0.path == "/api/v1/events" }
            .flatMap { try! WireCoding.decode(EventBatch.self, from: $0.body).events.map(\.id) }
        #expect(tried.count == 2 && Set(tried).count == 1)
        #expect(agent.reachability.since == nil) // it answered: reachable, just not taking events
    }

    /// A collector whose database hangs answers beats but not events; that is no network outage
    /// (DESIGN: The collector's store failing).
    @Test func anEventsTimeoutAfterAnAnsweredBeatIsNoUnreachableInterval() throws {
        let h = Harness()
        let agent = try h.agent()
        try agent.start()
        h.transport.respond = { r throws(CurlError) in
            guard r.path == "/api/v1/events" else { return try FakeTransport.acceptAll(r) }
            throw CurlError("Operation timed out after 15000 milliseconds with 0 bytes received")
        }
        agent.tick()
        #expect(agent.reachability.since == nil)
        #expect(agent.outbox.count == 1 && agent.shipper.backoff.failures == 1)
        // With the beat also unanswered, it is unreachable.
        h.transport.respond = { _ throws(CurlError) in throw CurlError("Connection timed out") }
        h.facts.advance(2)
        agent.tick()
        #expect(agent.reachability.since != nil)
    }

    @Test func anUnreachableCollectorIsReportedAsAnIntervalAfterwardsInOrder() throws {
        let h = Harness()
        let agent = try h.agent()
        try agent.start()
        agent.tick()
        let down = h.facts.wall + 10
        h.transport.respond = network
        h.facts.advance(10)
        agent.tick()
        #expect(agent.reachability.since == down)
        #expect(FileManager.default.fileExists(atPath: h.dir.file("unreachable_since")))
        h.facts.wall += 7200 // a clock step while away
        for _ in 0..<30 {
            h.facts.advance(10)
            agent.tick()
        }
        h.transport.respond = FakeTransport.acceptAll
        h.facts.advance(10)
        agent.tick()
        let kinds = h.transport.sentEvents.filter { $0.kind != .agentStarted }
        #expect(kinds.map(\.kind) == [.clockJump, .collectorUnreachable])
        guard case .collectorUnreachable(let start, let end) = kinds.last?.payload else { return }
        #expect(start == down && end == h.facts.wall)
        #expect(agent.outbox.isEmpty && agent.reachability.since == nil)
        #expect(!FileManager.default.fileExists(atPath: h.dir.file("unreachable_since")))
        // Backoff does not grow past the cap and no event was sent twice.
        #expect(Set(h.transport.sentEvents.map(\.id)).count == h.transport.sentEvents.count)
    }

    @Test func anUnreachableIntervalSurvivesARestart() throws {
        let h = Harness()
        var agent = try h.agent()
        try agent.start()
        h.transport.respond = network
        agent.tick()
        let since = try #require(agent.reachability.since)
        agent = try h.agent() // kill -9 and restart
        #expect(agent.reachability.since == since)
        try agent.start()
        h.transport.respond = FakeTransport.acceptAll
        h.facts.advance(10)
        agent.tick()
        #expect(
            h.transport.sentEvents.contains { $0.payload == .collectorUnreachable(start: since, end: h.facts.wall) })
    }

    @Test func eventsSpooledByAKilledAgentAreSentByTheNextOneExactlyOnce() throws {
        let h = Harness()
        let first = try h.agent()
        try first.start()
        h.transport.respond = network
        first.tick()
        let waiting = first.outbox.entries.map(\.event.id)
        #expect(waiting.count == 1)
        // kill -9: no shutdown. A new process on the same folder.
        h.facts.advance(5)
        let second = try h.agent()
        try second.start()
        h.transport.respond = FakeTransport.acceptAll
        second.tick()
        let ids = h.transport.sentEvents.map(\.id)
        #expect(ids.first == waiting.first)
        #expect(Set(ids).count == ids.count)
        #expect(h.transport.sentEvents.map(\.kind) == [.agentStarted, .agentStarted, .collectorUnreachable])
        #expect(second.outbox.isEmpty)
    }

    @Test func eventsWaitForAPlausibleClockAndAreDatedFromTheBootClock() throws {
        let h = Harness()
        h.facts.wall = Date(timeIntervalSince1970: 100) // a Pi without RTC before NTP
        h.facts.synced = false
        let agent = try h.agent()
        try agent.start()
        agent.tick()
        #expect(h.transport.requests.isEmpty) // nothing the collector would take
        #expect(agent.outbox.count == 1)
        h.facts.advance(20)
        h.facts.wall = Date(timeIntervalSince1970: 1_795_335_123)
        h.facts.synced = true
        agent.tick()
        let started = try #require(h.transport.sentEvents.first { $0.kind == .agentStarted })
        #expect(started.at == h.facts.wall - 20)
        #expect(
            h.transport.sentEvents.contains { if case .clockJump = $0.payload { return true } else { return false } })
        #expect(h.transport.heartbeats.count == 1)
        #expect(h.lines.lines.contains { $0.contains("plausible") })
    }

    @Test func anUnsyncedOutageIsAnchoredWithTheUptimeAtSendingOrDatedOnceSynced() throws {
        let h = Harness()
        try StateFile(path: h.dir.file("state.json")).save(
            AgentState(bootID: "0ff0-0ff0", lastAlive: h.facts.wall - 4000, lastAliveUptime: 80_000, clockSynced: true))
        h.facts.synced = false
        h.facts.boottime = 30
        h.transport.respond = network
        let agent = try h.agent()
        try agent.start()
        agent.tick()
        h.facts.advance(100)
        h.transport.respond = FakeTransport.acceptAll
        agent.tick()
        let first = h.transport.sentEvents.compactMap { e -> OutageReport? in
            if case .outage(let o) = e.payload { return o } else { return nil }
        }
        // Sent 100 s after it was found: the uptime is the one at sending.
        #expect(first.first?.uptimeS == 130 && first.first?.end == nil && first.first?.clockSynced == false)

        // Same again, but the clock got synced (and stepped) before the collector came back.
        let h2 = Harness()
        try StateFile(path: h2.dir.file("state.json")).save(
            AgentState(bootID: "0ff0-0ff0", lastAlive: h2.facts.wall - 4000, lastAliveUptime: 80_000, clockSynced: true)
        )
        h2.facts.synced = false
        h2.facts.boottime = 30
        h2.transport.respond = network
        let agent2 = try h2.agent()
        try agent2.start()
        agent2.tick()
        h2.facts.advance(100)
        h2.facts.wall += 3600
        h2.facts.synced = true
        h2.transport.respond = FakeTransport.acceptAll
        agent2.tick()
        let second = h2.transport.sentEvents.compactMap { e -> OutageReport? in
            if case .outage(let o) = e.payload { return o } else { return nil }
        }
        let o = try #require(second.first)
        #expect(o.end == h2.facts.wall - 130 && o.uptimeS == nil && o.clockSynced)
        #expect(o.durationS == (h2.facts.wall - 130).timeIntervalSince(o.start!))
    }

    @Test func enrollsStoresTheTokenPrivatelyAndUsesIt() throws {
        let h = Harness(token: nil, enrollmentKey: "site-key")
        let agent = try h.agent()
        try agent.start()
        agent.tick()
        let enroll = try #require(h.transport.requests.first)
        #expect(enroll.path == "/api/v1/enroll" && enroll.bearer == nil)
        let request = try WireCoding.decode(EnrollRequest.self, from: enroll.body)
        #expect(request == EnrollRequest(device: "pi-1", enrollmentKey: "site-key"))
        #expect(agent.link.token == "enrolled-token-123")
        let attributes = try FileManager.default.attributesOfItem(atPath: h.dir.file("token"))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(h.transport.requests.dropFirst().allSatisfy { $0.bearer == "enrolled-token-123" })
        #expect(h.transport.heartbeats.count == 1)
        // The next start uses the stored token and does not enroll again.
        h.transport.requests = []
        let again = try h.agent()
        try again.start()
        again.tick()
        #expect(!h.transport.requests.contains { $0.path == "/api/v1/enroll" })
        #expect(h.transport.requests.allSatisfy { $0.bearer == "enrolled-token-123" })
    }

    @Test func aRefusedEnrollmentIsRetriedWithBackoff() throws {
        let h = Harness(token: nil, enrollmentKey: "wrong")
        h.transport.respond = status(403)
        let agent = try h.agent()
        try agent.start()
        agent.tick()
        h.facts.advance(0.5)
        agent.tick()
        #expect(h.transport.requests.count == 1)
        #expect(agent.link.token == nil)
        #expect(h.lines.lines.contains { $0.hasPrefix("<3>") && $0.contains("enrollment refused") })
    }

    @Test func noTokenAndNoEnrollmentKeyIsAConfigurationError() {
        let h = Harness(token: nil)
        #expect(throws: ConfigError.self) { try h.agent() }
    }

    @Test func suspendAndClockJumpsWhileRunningBecomeEvents() throws {
        let h = Harness()
        let agent = try h.agent()
        try agent.start()
        agent.tick()
        h.facts.wall += 600
        h.facts.boottime += 600 // suspended 10 minutes: the boot clock ran, the monotonic clock did not
        agent.tick()
        let suspend = h.transport.sentEvents.compactMap { e -> OutageReport? in
            if case .outage(let o) = e.payload { return o } else { return nil }
        }
        #expect(suspend.map(\.cause) == [.suspend])
        #expect(suspend.first?.durationS == 600)
    }

    @Test func aCollectorIntervalIsAdopted() throws {
        let h = Harness()
        h.transport.respond = { r throws(CurlError) in
            r.path == "/api/v1/heartbeat"
                ? CurlResponse(
                    status: 200, body: Array(#"{"server_time":"2026-11-22T08:12:03Z","interval_s":30}"#.utf8))
                : try FakeTransport.acceptAll(r)
        }
        let agent = try h.agent()
        try agent.start()
        agent.tick()
        #expect(agent.policy.interval == 30)
    }
}
