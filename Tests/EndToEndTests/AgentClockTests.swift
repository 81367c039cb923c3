import DowntimeProtocol
import Foundation
import Testing

/// The agent's wall clock moved under it with Debian's libfaketime (the monotonic clocks left real).
/// Under libfaketime a Swift program sees no command-line arguments, so the agent is configured the
/// way systemd's EnvironmentFile= does it, and runs on the machine's real boot id and boot clock.
@Suite(.serialized) struct AgentClockTests {
    static let libfaketime = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"

    static func faketime(_ file: String) -> [String: String] {
        ["LD_PRELOAD": libfaketime, "FAKETIME_TIMESTAMP_FILE": file, "FAKETIME_NO_CACHE": "1",
         "FAKETIME_DONT_FAKE_MONOTONIC": "1"]
    }

    static func jumps(_ events: [Event]) -> [Double] {
        events.compactMap { if case .clockJump(let d) = $0.payload { d } else { nil } }
    }

    @Test func anHourForwardAndBackIsAClockJumpNotAnOutage() throws {
        let site = try Site()
        let sandbox = try AgentSandbox()
        defer { site.remove(); sandbox.remove() }
        let collector = try CollectorProcess(dataDir: site.data)
        let offset = sandbox.root + "/faketime"
        try "+0\n".write(toFile: offset, atomically: true, encoding: .utf8)
        let agent = Process()
        agent.executableURL = URL(fileURLWithPath: Binaries.path("downtime-agent"))
        agent.environment = Self.faketime(offset).merging([
            "DOWNTIME_COLLECTOR_URL": collector.url, "DOWNTIME_DEVICE": site.device, "DOWNTIME_TOKEN": site.token,
            "DOWNTIME_STATE_DIR": sandbox.stateDir, "DOWNTIME_INTERVAL": "1", "DOWNTIME_PERSIST_INTERVAL": "1",
            "PATH": "/usr/bin:/bin",
        ]) { _, new in new }
        let output = OutputLog()
        let pipe = Pipe()
        agent.standardError = pipe
        pipe.fileHandleForReading.readabilityHandler = { h in
            let d = h.availableData
            if !d.isEmpty { output.append(String(decoding: d, as: UTF8.self)) }
        }
        try agent.run()
        defer {
            kill(agent.processIdentifier, SIGKILL)
            agent.waitUntilExit()
        }
        eventually(15, "agent_started") { try site.agentEvents(collector).contains { $0.kind == .agentStarted } }

        try "+3600\n".write(toFile: offset, atomically: true, encoding: .utf8)
        eventually(15, "a forward clock_jump") { try Self.jumps(site.agentEvents(collector)).count == 1 }
        try "+0\n".write(toFile: offset, atomically: true, encoding: .utf8)
        eventually(15, "a backward clock_jump") { try Self.jumps(site.agentEvents(collector)).count == 2 }
        usleep(2_500_000)  // and nothing else follows

        let events = try site.agentEvents(collector)
        let jumps = Self.jumps(events)
        #expect(jumps.count == 2, "\(output.text)")
        if jumps.count == 2 {
            #expect(abs(jumps[0] - 3600) < 5 && abs(jumps[1] + 3600) < 5, "\(jumps)")
        }
        #expect(!events.contains { $0.kind == .outage }, "\(events.map(\.kind))")
        #expect(try Curl.get("\(collector.url)/api/v1/devices/\(site.device)", as: DeviceView.self).status == .up)
    }
}
