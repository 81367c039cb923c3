import CurlClient
import DowntimeProtocol
import Foundation
import Testing

@testable import AgentCore

/// `downtime-agent job`: the run between its two events, sent at once or left for the running agent; reporting never
/// changes the exit code.
@Suite struct JobCommandTests {
    final class Rig {
        let dir = TempDir()
        let facts = FakeFacts()
        let transport = FakeTransport()

        var config: AgentConfig {
            AgentConfig(collectorURL: "http://nas:8899", device: "pi-1", token: "t0k", stateDir: dir.path)
        }

        func run(_ command: [String], config: Result<AgentConfig, ConfigError>? = nil) -> (Int32, String?) {
            let job = JobCommand(
                request: JobRequest(name: "backup", command: command), config: config ?? .success(self.config),
                facts: facts, transport: .success(transport))
            return job.run(passThrough: nil, stopSignals: false)
        }

        var dropped: [Event] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.file(OutboxDrop.folderName))) ?? []
            return names.compactMap { try? FileIO.read(dir.file(OutboxDrop.folderName + "/" + $0)) }
                .compactMap { Outbox.decode($0)?.event }
        }

        deinit { dir.cleanup() }
    }

    static func away(_ r: FakeTransport.Request) throws(CurlError) -> CurlResponse {
        throw CurlError("Couldn't connect to server")
    }

    @Test func bothEventsAreSentAtOnceAndNothingIsLeft() throws {
        let rig = Rig()
        let (code, warning) = rig.run(["/bin/sh", "-c", "echo copied 3 files; exit 3"])
        #expect(code == 3 && warning == nil)
        let sent = rig.transport.sentEvents
        try #require(sent.count == 2)
        guard case .jobStart(let start) = sent[0].payload, case .jobEnd(let end) = sent[1].payload else {
            Issue.record("\(sent)")
            return
        }
        #expect(start.name == "backup" && end.rid == start.rid && !start.rid.isEmpty)
        #expect(end.exitCode == 3 && end.output == "copied 3 files\n" && end.durationS != nil && !end.succeeded)
        #expect(sent.allSatisfy { $0.device == "pi-1" && $0.bootID == rig.facts.boot })
        #expect(rig.dropped.isEmpty)
        // A new run, a new rid.
        _ = rig.run(["true"])
        let again = rig.transport.sentEvents.dropFirst(2).first
        if case .jobStart(let next) = again?.payload { #expect(next.rid != start.rid) } else { Issue.record("\(rig)") }
    }

    @Test func aCollectorAwayLeavesBothForTheRunningAgentAndTheCodeIsTheCommands() {
        let rig = Rig()
        rig.transport.respond = Self.away
        let (code, warning) = rig.run(["/bin/sh", "-c", "exit 4"])
        #expect(code == 4)
        #expect(warning?.hasPrefix("downtime-agent job backup: reported later by the running agent") == true)
        #expect(warning?.contains("\n") == false)
        #expect(Set(rig.dropped.map(\.kind)) == [.jobStart, .jobEnd] && rig.dropped.count == 2)
    }

    @Test func anEndIsNeverSentBeforeItsStart() throws {
        let rig = Rig()
        var calls = 0
        rig.transport.respond = { r throws(CurlError) in
            calls += 1
            if calls == 1 { throw CurlError("timed out") }
            return try FakeTransport.acceptAll(r)
        }
        let (code, warning) = rig.run(["true"])
        #expect(code == 0 && warning == nil)
        // The start that did not go went with the end, first.
        #expect(rig.transport.sentEvents.map(\.kind) == [.jobStart, .jobEnd])
        #expect(rig.dropped.isEmpty)
    }

    @Test func aMissingCommandIsReportedFailedWithItsReason() throws {
        let rig = Rig()
        let (code, warning) = rig.run(["/nonexistent/backup.sh"])
        #expect(code == 127 && warning == "downtime-agent job backup: command not found: /nonexistent/backup.sh")
        guard case .jobEnd(let end) = rig.transport.sentEvents.last?.payload else {
            Issue.record("no end")
            return
        }
        #expect(end.exitCode == 127 && end.reason == "command not found: /nonexistent/backup.sh")
    }

    @Test func reportingThatCannotBeDoneNeverFailsTheJob() throws {
        let rig = Rig()
        let (code, warning) = rig.run(["/bin/sh", "-c", "exit 0"], config: .failure(ConfigError("no collector")))
        #expect(code == 0 && warning == "downtime-agent job backup: not reported: no collector")
        #expect(rig.transport.requests.isEmpty)
        // A state folder that cannot be written and a collector away: said, and the code is still the command's.
        var config = rig.config
        config.stateDir = "/proc/no-such-folder"
        rig.transport.respond = Self.away
        let (failed, lost) = rig.run(["/bin/sh", "-c", "exit 5"], config: .success(config))
        #expect(failed == 5)
        #expect(lost?.contains("not reported: cannot write to the agent's state folder") == true, "\(lost ?? "")")
        #expect(lost?.contains("\n") == false)
    }
}
