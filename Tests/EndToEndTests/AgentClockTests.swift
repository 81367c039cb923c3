import CCurl
import DowntimeProtocol
import Foundation
import Testing

/// The agent's wall clock moved under it with Debian's libfaketime (the monotonic clocks left real).
/// Under libfaketime the Swift runtime captures no command-line arguments (the agent then reads its own from
/// /proc/self/cmdline, `ProcessArguments`); this suite configures the agent the
/// way systemd's EnvironmentFile= does it, and runs on the machine's real boot id and boot clock.
@Suite(.serialized) struct AgentClockTests {
    static let libfaketime = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"

    static func faketime(_ file: String) -> [String: String] {
        [
            "LD_PRELOAD": libfaketime, "FAKETIME_TIMESTAMP_FILE": file, "FAKETIME_NO_CACHE": "1",
            "FAKETIME_DONT_FAKE_MONOTONIC": "1",
        ]
    }

    static func jumps(_ events: [Event]) -> [Double] {
        events.compactMap { if case .clockJump(let d) = $0.payload { d } else { nil } }
    }

    @Test func anHourForwardAndBackIsAClockJumpNotAnOutage() throws {
        let site = try Site()
        let sandbox = try AgentSandbox()
        defer {
            site.remove()
            sandbox.remove()
        }
        let collector = try CollectorProcess(dataDir: site.data)
        let offset = sandbox.root + "/faketime"
        try "+0\n".write(toFile: offset, atomically: true, encoding: .utf8)
        let (agent, output) = try Self.fakedAgent(
            [
                "DOWNTIME_COLLECTOR_URL": collector.url, "DOWNTIME_DEVICE": site.device, "DOWNTIME_TOKEN": site.token,
                "DOWNTIME_STATE_DIR": sandbox.stateDir, "DOWNTIME_INTERVAL": "1", "DOWNTIME_PERSIST_INTERVAL": "1",
            ], offsetFile: offset)
        defer {
            kill(agent.processIdentifier, SIGKILL)
            agent.waitUntilExit()
        }
        eventually(15, "agent_started") { try site.agentEvents(collector).contains { $0.kind == .agentStarted } }

        try "+3600\n".write(toFile: offset, atomically: true, encoding: .utf8)
        eventually(15, "a forward clock_jump") { try Self.jumps(site.agentEvents(collector)).count == 1 }
        try "+0\n".write(toFile: offset, atomically: true, encoding: .utf8)
        eventually(15, "a backward clock_jump") { try Self.jumps(site.agentEvents(collector)).count == 2 }
        usleep(2_500_000) // and nothing else follows

        let events = try site.agentEvents(collector)
        let jumps = Self.jumps(events)
        #expect(jumps.count == 2, "\(output.text)")
        if jumps.count == 2 {
            #expect(abs(jumps[0] - 3600) < 5 && abs(jumps[1] + 3600) < 5, "\(jumps)")
        }
        #expect(!events.contains { $0.kind == .outage }, "\(events.map(\.kind))")
        #expect(try Curl.get("\(collector.url)/api/v1/devices/\(site.device)", as: DeviceView.self).status == .up)
    }

    /// The agent asks the kernel when there is no timesyncd flag file: this case needs a kernel that says unsynced.
    static let kernelUnsynced = dt_kernel_clock_unsynced() != 0

    /// Starts the agent under libfaketime with `env` (no arguments reach a Swift program there).
    static func fakedAgent(_ env: [String: String], offsetFile: String) throws -> (Process, OutputLog) {
        let agent = Process()
        agent.executableURL = URL(fileURLWithPath: Binaries.path("downtime-agent"))
        agent.environment = faketime(offsetFile).merging(env) { _, new in new }.merging(["PATH": "/usr/bin:/bin"]) {
            _, n in n
        }
        let output = OutputLog()
        let pipe = Pipe()
        agent.standardError = pipe
        pipe.fileHandleForReading.readabilityHandler = { h in
            let d = h.availableData
            if !d.isEmpty { output.append(String(decoding: d, as: UTF8.self)) }
        }
        try agent.run()
        return (agent, output)
    }

    @Test(.enabled(if: kernelUnsynced, "the kernel says its clock is synced; an unsynced boot cannot be staged here"))
    func aPiBootingUnsyncedWithAClockBehindItsLastAliveIsNotMisdated() throws {
        let site = try Site()
        let sandbox = try AgentSandbox()
        defer {
            site.remove()
            sandbox.remove()
        }
        let collector = try CollectorProcess(dataDir: site.data)
        _ = try sandbox.boot(uptime: 5000)
        let offset = sandbox.root + "/faketime"
        try "+0\n".write(toFile: offset, atomically: true, encoding: .utf8)
        let env = [
            "DOWNTIME_COLLECTOR_URL": collector.url, "DOWNTIME_DEVICE": site.device, "DOWNTIME_TOKEN": site.token,
            "DOWNTIME_STATE_DIR": sandbox.stateDir, "DOWNTIME_INTERVAL": "1", "DOWNTIME_PERSIST_INTERVAL": "1",
            "DOWNTIME_BOOT_ID_FILE": sandbox.bootIDFile, "DOWNTIME_UPTIME_FILE": sandbox.uptimeFile,
            "DOWNTIME_TIME_SYNC_FILE": sandbox.timeSyncFile,
        ]
        // Synced and running, then the power goes.
        let (first, _) = try Self.fakedAgent(env, offsetFile: offset)
        eventually(15, "agent_started") { try site.agentEvents(collector).contains { $0.kind == .agentStarted } }
        usleep(1_500_000)
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let cut = Date()
        usleep(2_000_000)
        // Back without a real-time clock: the time is a day behind and nothing says it is synced.
        try FileManager.default.removeItem(atPath: sandbox.timeSyncFile)
        try "-86400\n".write(toFile: offset, atomically: true, encoding: .utf8)
        _ = try sandbox.boot(uptime: 0.5)
        let back = Date()
        let (second, output) = try Self.fakedAgent(env, offsetFile: offset)
        defer {
            kill(second.processIdentifier, SIGKILL)
            second.waitUntilExit()
        }
        eventually(15, "the outage") { try site.agentEvents(collector).contains { $0.kind == .outage } }
        let outages = try site.agentEvents(collector).compactMap { e -> OutageReport? in
            if case .outage(let o) = e.payload { o } else { nil }
        }
        #expect(outages.count == 1, "\(output.text)")
        let o = try #require(outages.first)
        #expect(o.cause == .powerLoss && !o.clockSynced)
        // Dated by the collector's clock (receipt time minus uptime), not the day-old wall clock.
        let start = try #require(o.start)
        let end = try #require(o.end)
        #expect(abs(start.timeIntervalSince(cut)) <= 1 + 2, "start \(start) vs cut \(cut)")
        #expect(abs(end.timeIntervalSince(back)) <= 2, "end \(end) vs back \(back)")
    }
}
