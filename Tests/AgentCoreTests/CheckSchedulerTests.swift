import DowntimeProtocol
import Foundation
import Testing

@testable import AgentCore

/// The checks' threads with real programs: each on its own period, one run at a time, never in the beat's way.
@Suite(.serialized) struct CheckSchedulerTests {
    func script(_ dir: TempDir, _ name: String, _ body: String) throws -> String {
        let path = dir.file(name)
        try ("#!/bin/sh\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    func waitFor(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        let end = Date() + seconds
        while Date() < end {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }

    /// A check that hangs until its timeout: the agent's ticks (heartbeats included) go on at once.
    @Test func aHangingCheckNeverDelaysABeat() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let hang = try script(dir, "hang", "touch \(dir.file("running"))\nexec sleep 30")
        var config = AgentConfig(
            collectorURL: "http://nas:8899", device: "pi", token: "t", stateDir: dir.file("state"), interval: 1)
        config.checks = [try CheckSpec.parse("stuck=command:\(hang) timeout=3s", interval: 1)]
        let transport = FakeTransport()
        let facts = FakeFacts()
        let agent = try Agent(config: config, facts: facts, transport: transport, log: .silent)
        try agent.start()
        let checks = try #require(agent.checks)
        // The ticks below run while the check is provably under way.
        #expect(waitFor(10) { FileManager.default.fileExists(atPath: dir.file("running")) })
        let started = Date()
        for _ in 0..<5 {
            facts.advance(1)
            agent.tick()
        }
        #expect(Date().timeIntervalSince(started) < 1)
        #expect(transport.requests.filter { $0.path == "/api/v1/heartbeat" }.count == 5)
        #expect(checks.runCounts == [0] && checks.statuses[0].state == .unknown)
        agent.shutdown()
        // The run under way ends at its timeout, as failing, and is the last.
        #expect(waitFor(15) { checks.runCounts == [1] })
        #expect(checks.statuses[0].state == .failing && checks.statuses[0].detail == "timed out after 3 s")
    }

    /// A run longer than the period: the next starts after it ends, never beside it.
    @Test func oneRunAtATimeOnItsOwnPeriod() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let log = dir.file("runs")
        let slow = try script(dir, "slow", "echo start >> \(log)\nsleep 0.3\necho end >> \(log)")
        let quick = try script(dir, "quick", "echo quick >> \(dir.file("quick-runs"))")
        let checks = CheckScheduler(
            specs: [
                try CheckSpec.parse("slow=command:\(slow) every=100ms timeout=2s", interval: 10),
                try CheckSpec.parse("quick=command:\(quick) every=200ms timeout=2s", interval: 10),
            ], probe: SystemProbe(), log: .silent)
        checks.start()
        #expect(waitFor(5) { checks.runCounts[0] >= 4 })
        checks.stop()
        usleep(500_000)
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.count >= 8)
        for (i, line) in lines.enumerated() { #expect(line == (i % 2 == 0 ? "start" : "end")) }
        // The quick check kept its own period meanwhile: about 5 runs a second, not one per slow run.
        let quickRuns = try String(contentsOfFile: dir.file("quick-runs"), encoding: .utf8).split(separator: "\n").count
        #expect(quickRuns >= 6)
        #expect(checks.statuses.map(\.state) == [.ok, .ok], "\(checks.statuses)")
    }

    @Test func statesFlipAndAreLoggedOnce() throws {
        let listener = try LoopbackListener()
        let lines = LogLines()
        let checks = CheckScheduler(
            specs: [try CheckSpec.parse("svc=tcp:127.0.0.1:\(listener.port) every=100ms timeout=1s", interval: 10)],
            probe: SystemProbe(), log: lines.log)
        #expect(checks.statuses[0].state == .unknown && checks.generation == 0)
        checks.start()
        defer { checks.stop() }
        #expect(waitFor(5) { checks.statuses[0].state == .ok })
        let okSince = checks.statuses[0].since
        listener.close()
        #expect(waitFor(5) { checks.statuses[0].state == .failing })
        #expect(checks.statuses[0].since > okSince && checks.generation == 2)
        usleep(300_000)
        let said = lines.lines.filter { $0.contains("check svc:") }
        #expect(said.count == 2)
        #expect(said.first == "<5>check svc: ok (connected to 127.0.0.1:\(listener.port))")
        #expect(said.last?.hasPrefix("<4>check svc: failing (127.0.0.1:\(listener.port): Connection refused") == true)
    }
}
