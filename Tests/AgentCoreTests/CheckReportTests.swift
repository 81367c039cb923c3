import CurlClient
import DowntimeProtocol
import Foundation
import Testing

@testable import AgentCore

@Suite struct CheckReportTests {
    let t0 = Date(timeIntervalSince1970: 1_795_335_000)
    var statuses: [CheckStatus] {
        [
            CheckStatus(name: "ha", state: .ok, detail: "HTTP 200", since: t0),
            CheckStatus(name: "root", state: .failing, detail: "93% used", since: t0),
        ]
    }

    /// Full results on the first beat, after a change, after a beat that was not taken, and once per persist
    /// interval; the digest alone otherwise.
    @Test func fullResultsOnlyWhenNeeded() {
        var report = CheckReport()
        func beat(_ generation: UInt64, at: Double, accepted: Bool = true) -> Bool {
            let digest = report.digest(statuses, generation: generation, monotonic: at, persistInterval: 60)
            #expect(digest.count == 2 && digest.failing == 1)
            if accepted { report.accepted(digest, generation: generation, monotonic: at) }
            return digest.results != nil
        }
        #expect(beat(3, at: 0))
        #expect(!beat(3, at: 10))
        #expect(beat(4, at: 20, accepted: false))
        #expect(beat(4, at: 30))
        #expect(!beat(4, at: 89))
        #expect(beat(4, at: 90))
        #expect(!beat(4, at: 100))
        #expect(report.deliveredGeneration == 4 && report.deliveredAt == 90)
    }

    /// `notify=no` reaches the full results from the check's options, through its tracker.
    @Test func notifyNoTravelsWithTheResults() {
        let tracker = CheckTracker(name: "backup", notify: false, startedAt: t0)
        let status = [tracker.status, CheckTracker(name: "ha", startedAt: t0).status]
        let digest = CheckReport().digest(status, generation: 1, monotonic: 0, persistInterval: 60)
        #expect(digest.results?.map(\.notify) == [false, true])
    }

    @Test func anOlderCollectorRefusingTheChecksFieldGetsBeatsWithoutIt() throws {
        let s = CollectorLinkTests.Setup()
        let link = try s.link()
        s.transport.respond = { r throws(CurlError) in
            if String(decoding: r.body, as: UTF8.self).contains("\"checks\"") {
                return CurlResponse(status: 400, body: Array(#"{"error":"unknown field","field":"checks"}"#.utf8))
            }
            return try FakeTransport.acceptAll(r)
        }
        let digest = CheckReport().digest(statuses, generation: 1, monotonic: 0, persistInterval: 60)
        #expect(link.heartbeat(s.now, interval: 10, health: nil, checks: digest) == .accepted(interval: nil))
        #expect(link.heartbeat(s.now, interval: 10, health: nil, checks: digest) == .accepted(interval: nil))
        #expect(s.transport.requests.map(\.status) == [400, 200, 200])
        #expect(link.refusedFields == ["checks"])
        #expect(s.lines.lines.filter { $0.contains("refuses the heartbeat's checks field") }.count == 1)
    }

    /// The agent's beats carry the digest of its running checks.
    @Test func theAgentsBeatsCarryTheChecks() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        var config = AgentConfig(
            collectorURL: "http://nas:8899", device: "pi", token: "t", stateDir: dir.file("state"), interval: 1,
            persistInterval: 60)
        config.checks = [try CheckSpec.parse("t=command:/bin/true", interval: 1)]
        let transport = FakeTransport()
        let facts = FakeFacts()
        let agent = try Agent(config: config, facts: facts, transport: transport, log: .silent)
        try agent.start()
        let end = Date() + 15
        while agent.checks?.statuses.first?.state != .ok, Date() < end { usleep(20_000) }
        for _ in 0..<3 {
            facts.advance(1)
            agent.tick()
        }
        agent.shutdown()
        let beats = transport.heartbeats.compactMap(\.checks)
        #expect(beats.count == 3)
        #expect(beats[0].results?.map(\.name) == ["t"] && beats[0].results?.first?.state == .ok)
        #expect(beats[1].results == nil && beats[2].results == nil && beats[2].count == 1 && beats[2].failing == 0)
    }
}
