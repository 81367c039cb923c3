import CurlClient
import DowntimeProtocol
import Foundation
import Testing

@testable import AgentCore

/// `EventShipper` alone: a state folder with events in its outbox, a link on a fake transport, no agent.
@Suite struct EventShipperTests {
    final class Setup {
        let dir = TempDir()
        let lines = LogLines()
        let facts = FakeFacts()
        let transport = FakeTransport()
        let folder: StateFolder
        let link: CollectorLink
        let reachability: Reachability
        let shipper: EventShipper

        init() throws {
            folder = StateFolder(
                path: dir.path, device: "pi-1", retryInterval: 60, limits: OutboxLimits(), log: lines.log,
                fs: PosixFileSystem())
            link = try CollectorLink(
                token: "tok-1", enrollmentKey: nil, transport: transport, folder: folder, log: lines.log,
                random: { 0.5 })
            reachability = Reachability(folder: folder, log: lines.log)
            shipper = EventShipper(
                folder: folder, link: link, reachability: reachability, facts: facts, log: lines.log,
                random: { 0.5 })
        }
        var now: BootSnapshot { facts.snapshot(bootID: facts.boot) }
        var eventPosts: [FakeTransport.Request] { transport.requests.filter { $0.path == "/api/v1/events" } }
        deinit { dir.cleanup() }
    }

    static let evidence = OutageReport(
        cause: .powerLoss, start: Date(timeIntervalSince1970: 1_795_331_000), end: nil, durationS: nil,
        precisionS: 60, clockSynced: false, uptimeS: 30,
        underVoltageSeen: Date(timeIntervalSince1970: 1_795_330_960))

    @Test func acknowledgedEventsLeaveTheOutbox() throws {
        let s = try Setup()
        for i in 0..<3 { s.folder.enqueue(.clockJump(deltaS: Double(i + 5)), at: s.now) }
        #expect(s.shipper.flush(s.now, timeout: nil))
        #expect(s.folder.outbox.isEmpty && s.eventPosts.count == 1)
        #expect(s.transport.sentEvents.map(\.payload) == (0..<3).map { .clockJump(deltaS: Double($0 + 5)) })
        #expect(try Outbox(directory: s.dir.file("outbox")).isEmpty)
    }

    @Test func eventsNotAcknowledgedWaitForTheBackoff() throws {
        let s = try Setup()
        for _ in 0..<2 { s.folder.enqueue(.shutdown, at: s.now) }
        let first = try #require(s.folder.outbox.entries.first?.event.id)
        s.transport.respond = { _ throws(CurlError) in
            CurlResponse(status: 200, body: try! WireCoding.encode(EventBatchReply(accepted: [first])))
        }
        #expect(!s.shipper.flush(s.now, timeout: nil))
        #expect(s.folder.outbox.count == 1 && s.shipper.backoff.failures == 1)
        #expect(!s.shipper.backoff.ready(at: s.facts.mono + 0.5) && s.shipper.backoff.ready(at: s.facts.mono + 1))
        #expect(s.lines.lines.contains { $0.hasPrefix("<4>events not sent (collector acknowledged 1 of 2 events)") })
        s.shipper.collectorReturned()
        #expect(s.shipper.backoff.ready(at: s.facts.mono))
    }

    @Test func aRefusedBatchIsSentOneByOneAndOnlyTheBadEventDropped() throws {
        let s = try Setup()
        for i in 0..<3 { s.folder.enqueue(.clockJump(deltaS: Double(i + 5)), at: s.now) }
        let bad = s.folder.outbox.entries[1].event.id
        s.transport.respond = { r throws(CurlError) in
            let batch = try! WireCoding.decode(EventBatch.self, from: r.body)
            if batch.events.contains(where: { $0.id == bad }) {
                return CurlResponse(status: 422, body: Array(#"{"error":"bad","field":"events[0].at"}"#.utf8))
            }
            return try FakeTransport.acceptAll(r)
        }
        #expect(s.shipper.flush(s.now, timeout: nil))
        #expect(s.folder.outbox.isEmpty && s.shipper.refusedEvents == 1)
        #expect(s.eventPosts.map(\.status) == [422, 200, 422, 200])
        #expect(!s.transport.sentEvents.map(\.id).contains(bad) && s.transport.sentEvents.count == 2)
        #expect(s.lines.lines.contains { $0.hasPrefix("<3>collector refused clock_jump event \(bad.wireString)") })
    }

    @Test func anOutageWhosePowerEvidenceIsRefusedGoesWithoutIt() throws {
        let s = try Setup()
        s.folder.enqueue(.outage(Self.evidence), at: s.now)
        s.transport.respond = { r throws(CurlError) in
            if String(decoding: r.body, as: UTF8.self).contains("under_voltage_seen") {
                return CurlResponse(status: 400, body: Array(#"{"error":"unknown field"}"#.utf8))
            }
            return try FakeTransport.acceptAll(r)
        }
        #expect(s.shipper.flush(s.now, timeout: nil))
        guard case .outage(let sent) = s.transport.sentEvents.first?.payload else {
            Issue.record("no outage sent")
            return
        }
        #expect(sent.underVoltageSeen == nil && sent.start == Self.evidence.start)
        #expect(s.shipper.refusedEvents == 0)
    }

    @Test func noAnswerIsAnUnreachableCollectorUnlessItAnsweredThisTicksBeat() throws {
        let s = try Setup()
        s.folder.enqueue(.shutdown, at: s.now)
        _ = s.link.heartbeat(s.now, interval: 10, health: nil) // answered at this tick's monotonic time
        s.transport.respond = { _ throws(CurlError) in throw CurlError("Operation timed out") }
        #expect(!s.shipper.flush(s.now, timeout: nil))
        #expect(s.reachability.since == nil && s.shipper.backoff.failures == 1)
        s.facts.advance(2)
        #expect(!s.shipper.flush(s.now, timeout: nil))
        #expect(s.reachability.since == s.facts.wall && s.shipper.backoff.failures == 2)
        // Only the first failure of a run is a warning.
        #expect(s.lines.lines.filter { $0.hasPrefix("<4>events not sent") }.count == 1)
    }

    @Test func atShutdownOneRoundGoesWithTheShortTimeout() throws {
        let s = try Setup()
        s.folder.enqueue(.shutdown, at: s.now)
        #expect(s.shipper.flush(s.now, timeout: 2))
        #expect(s.eventPosts.map(\.timeout) == [2])
    }

    /// Power evidence (under-voltage, throttling seen) → whether a plain copy exists.
    @Test(arguments: [(true, false, true), (false, true, true), (true, true, true), (false, false, false)])
    func theOutageWithoutPowerEvidence(underVoltage: Bool, throttled: Bool, hasPlain: Bool) {
        var report = Self.evidence
        report.underVoltageSeen = underVoltage ? report.start : nil
        report.throttledSeen = throttled ? report.start : nil
        let entry = Outbox.Entry(
            seq: 7, event: Event(device: "pi-1", at: Date(), bootID: "b", payload: .outage(report)), bootID: "b",
            uptime: 1, size: 1)
        let plain = EventShipper.withoutPowerEvidence(entry)
        #expect((plain != nil) == hasPlain)
        var expected = Self.evidence
        expected.underVoltageSeen = nil
        if let plain {
            #expect(plain.event.payload == .outage(expected) && plain.seq == 7 && plain.event.id == entry.event.id)
        }
    }
}
