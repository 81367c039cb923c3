import DowntimeProtocol
import Foundation
import Testing

/// Issue #31, the job wrapper on the device, with the real binaries: `downtime-agent job NAME -- COMMAND` runs the
/// command and reports `job_start` and `job_end` to the collector, at once or through the running agent.
@Suite(.serialized) struct JobWrapperEndToEndTests {
    /// A collector with pi-1, the agent's sandbox, and the wrapper.
    final class Rig {
        let data: String
        let sandbox: AgentSandbox
        let token: String
        var collector: CollectorProcess?
        var agent: AgentProcess?

        init() throws {
            data = try Binaries.tempDir("job")
            sandbox = try AgentSandbox()
            let add = try Binaries.run("downtime-collector", ["device", "add", "pi-1", "--data-dir", data])
            token = String(add.out.split(separator: "\n").last ?? "")
            _ = try sandbox.boot(uptime: 1000)
        }

        var url: String { collector?.url ?? "http://127.0.0.1:1" }

        func startCollector() throws { collector = try CollectorProcess(dataDir: data) }

        func startAgent() throws {
            agent = try AgentProcess(collector: url, device: "pi-1", token: token, sandbox: sandbox)
        }

        /// The wrapper's arguments, as cron runs it: the agent's state folder and boot files.
        func arguments(_ name: String, _ command: [String]) -> [String] {
            [
                "job", name, "--collector", url, "--device", "pi-1", "--state-dir", sandbox.stateDir,
                "--boot-id-file", sandbox.bootIDFile, "--uptime-file", sandbox.uptimeFile,
                "--time-sync-file", sandbox.timeSyncFile, "--",
            ] + command
        }

        var environment: [String: String] { ["DOWNTIME_TOKEN": token, "DOWNTIME_AGENT_ENV": "/nonexistent"] }

        /// `downtime-agent job NAME -- COMMAND…` to its end.
        func job(_ name: String, _ command: [String]) throws -> (status: Int32, out: String, err: String) {
            try Binaries.run("downtime-agent", arguments(name, command), env: environment)
        }

        func log() throws -> [Event] {
            try Curl.get("\(url)/api/v1/devices/pi-1/events?limit=500", as: EventList.self).events
        }

        func ends(_ name: String) throws -> [JobEnd] {
            try log().compactMap { if case .jobEnd(let end) = $0.payload, end.name == name { end } else { nil } }
        }

        deinit {
            agent?.stop(SIGKILL)
            collector?.stop()
            sandbox.remove()
            try? FileManager.default.removeItem(atPath: data)
        }
    }

    /// (a): a job that succeeds and one that fails, sent at once (no agent running), each with its output.
    @Test func aJobThatSucceedsAndOneThatFailsAreBothInTheDevicesLog() throws {
        let rig = try Rig()
        try rig.startCollector()
        let ok = try rig.job("backup", ["/bin/sh", "-c", "echo copied 12 files; echo a warning >&2"])
        #expect(ok.status == 0 && ok.err.isEmpty, "\(ok)")
        #expect(ok.out == "copied 12 files\na warning\n", "the output passes through: \(ok.out)")
        let failed = try rig.job("cert-renew", ["/bin/sh", "-c", "echo renewal failed; exit 3"])
        #expect(failed.status == 3 && failed.out == "renewal failed\n", "\(failed)")
        let missing = try rig.job("photo-sync", ["/nonexistent/sync.sh"])
        #expect(missing.status == 127 && missing.err.contains("command not found: /nonexistent/sync.sh"))
        let log = try rig.log()
        let starts = log.compactMap { if case .jobStart(let s) = $0.payload { s } else { nil } }
        #expect(Set(starts.map(\.name)) == ["backup", "cert-renew", "photo-sync"] && starts.count == 3)
        let backup = try #require(try rig.ends("backup").first)
        #expect(backup.exitCode == 0 && backup.output == "copied 12 files\na warning\n" && backup.succeeded)
        #expect(starts.first { $0.name == "backup" }?.rid == backup.rid)
        let cert = try #require(try rig.ends("cert-renew").first)
        #expect(cert.exitCode == 3 && cert.output == "renewal failed\n" && (cert.durationS ?? -1) >= 0)
        let sync = try #require(try rig.ends("photo-sync").first)
        #expect(sync.exitCode == 127 && sync.reason == "command not found: /nonexistent/sync.sh")
        // Sent at once: nothing left for an agent.
        let drop = rig.sandbox.stateDir + "/outbox-drop"
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: drop)) ?? []).isEmpty)
    }

    /// (b): run while the collector is down; the running agent ships both events once it is back, exactly once.
    @Test func aJobRunWhileTheCollectorIsDownIsReportedOnceAfterItReturns() throws {
        let rig = try Rig()
        try rig.startCollector()
        try rig.startAgent()
        eventually(20, "pi-1 up") { try Curl.get("\(rig.url)/api/v1/devices/pi-1", as: DeviceView.self).status == .up }
        rig.collector?.stop()
        let started = Date()
        let r = try rig.job("backup", ["/bin/sh", "-c", "echo offline run; exit 2"])
        #expect(Date().timeIntervalSince(started) < 5, "a collector away does not hold the job up")
        #expect(r.status == 2 && r.out == "offline run\n", "\(r)")
        #expect(r.err.contains("reported later by the running agent") && r.err.split(separator: "\n").count == 1)
        try rig.startCollector()
        rig.agent?.stop(SIGKILL)
        try rig.startAgent()
        eventually(20, "the run arrives") { try !rig.ends("backup").isEmpty }
        sleep(3) // a second copy would have arrived by now
        let kinds = try rig.log().map(\.kind)
        #expect(kinds.filter { $0 == .jobStart }.count == 1 && kinds.filter { $0 == .jobEnd }.count == 1, "\(kinds)")
        let end = try #require(try rig.ends("backup").first)
        #expect(end.exitCode == 2 && end.output == "offline run\n")
        let drop = rig.sandbox.stateDir + "/outbox-drop"
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: drop)) ?? []).isEmpty)
    }

    /// SIGTERM to the wrapper goes to the command; the wrapper exits as the command did, 128+15.
    @Test func aStopSignalToTheWrapperIsPassedOnToTheCommand() throws {
        let rig = try Rig()
        try rig.startCollector()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Binaries.path("downtime-agent"))
        p.arguments = rig.arguments("long", ["/bin/sh", "-c", "echo waiting; exec sleep 30"])
        p.environment = ProcessInfo.processInfo.environment.merging(rig.environment) { _, new in new }
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        eventually(10, "the job started") { try rig.log().contains { $0.kind == .jobStart } }
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        #expect(p.terminationReason == .exit && p.terminationStatus == 128 + SIGTERM)
        let end = try #require(try rig.ends("long").first)
        #expect(end.signal == Int(SIGTERM) && end.exitCode == nil && end.output == "waiting\n", "\(end)")
        #expect((end.durationS ?? 99) < 10)
    }

    @Test func badWordsAreOneLineExitTwoAndNothingRuns() throws {
        let rig = try Rig()
        let marker = rig.sandbox.root + "/ran"
        for args in [["backup", "touch", marker], ["backup", "--"], ["Bad Name", "--", "touch", marker]] {
            let r = try Binaries.run("downtime-agent", ["job"] + args, env: rig.environment)
            #expect(r.status == 2 && r.err.split(separator: "\n").count == 1, "\(args): \(r)")
        }
        #expect(!FileManager.default.fileExists(atPath: marker))
        #expect(!FileManager.default.fileExists(atPath: rig.sandbox.stateDir + "/outbox-drop"))
    }

    /// The device's wall clock stepped two hours ahead during a run (libfaketime, the monotonic clocks left real, as
    /// an NTP step does): the run's duration is its monotonic one, and the step shows only in the events' times.
    @Test func aClockStepDuringARunDoesNotChangeItsDuration() throws {
        let rig = try Rig()
        try rig.startCollector()
        let folder = try Binaries.tempDir("job-clock")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/faketime"
        try "+0".write(toFile: file, atomically: true, encoding: .utf8)
        let wrapper = Process()
        wrapper.executableURL = URL(fileURLWithPath: Binaries.path("downtime-agent"))
        wrapper.arguments = rig.arguments("stepped", ["sleep", "3"])
        wrapper.environment = ProcessInfo.processInfo.environment.merging(
            rig.environment.merging(AgentClockTests.faketime(file)) { _, new in new }
        ) { _, new in new }
        wrapper.standardOutput = FileHandle.nullDevice
        try wrapper.run()
        eventually(20, "the run's start") {
            try rig.log().contains { if case .jobStart(let s) = $0.payload { s.name == "stepped" } else { false } }
        }
        try "+2h".write(toFile: file, atomically: true, encoding: .utf8)
        wrapper.waitUntilExit()
        #expect(wrapper.terminationStatus == 0)
        let log = try rig.log()
        let start = try #require(
            log.first { if case .jobStart(let s) = $0.payload { s.name == "stepped" } else { false } })
        let endEvent = try #require(
            log.first { if case .jobEnd(let e) = $0.payload { e.name == "stepped" } else { false } })
        let end = try #require(try rig.ends("stepped").first)
        // The step is real: the end is dated two hours after the start.
        #expect(endEvent.at.timeIntervalSince(start.at) > 7000, "\(start.at) \(endEvent.at)")
        let duration = try #require(end.durationS)
        #expect(duration >= 2.9 && duration < 30, "duration \(duration)")
    }
}
