import DowntimeProtocol
import Foundation
import Testing

/// Issue #31's job states with the real binaries and a local receiver: a job that fails, hangs past its max runtime,
/// never starts (late at due + grace), or is cut by its device's restart (interrupted) each gets its `job_flip` row
/// and one message; a job whose runs end well gets none; a collector killed and restarted doubles nothing; a failed
/// job that then succeeds is told ok again once.
@Suite(.serialized) struct JobStatesEndToEndTests {
    static func messages(_ receiver: WebhookReceiver, _ kind: String, about job: String) -> [String] {
        receiver.lines.filter { $0.contains("\"event\":\"\(kind)\"") && $0.contains("\(job) on pi-1") }
    }

    static func flips(_ url: String, _ job: String) throws -> [JobFlipRecord] {
        try Curl.get("\(url)/api/v1/devices/pi-1/events?limit=500", as: EventList.self).events.compactMap {
            if case .jobFlip(let f) = $0.payload, f.name == job { f } else { nil }
        }
    }

    @Test func eachProblemIsItsStateAndOneMessageAndARestartDoublesNothing() throws {
        let data = try Binaries.tempDir("job-states")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let receiver = try WebhookReceiver()
        let env = [
            "DOWNTIME_NOTIFY": "hook=webhook http://127.0.0.1:\(receiver.port)/hook", "DOWNTIME_TIMEZONE": "UTC",
        ]
        func cli(_ args: [String]) throws -> String {
            let r = try Binaries.run("downtime-collector", args + ["--data-dir", data], env: env)
            #expect(r.status == 0, "\(args): \(r)")
            return String(r.out.split(separator: "\n").last ?? "")
        }
        let sandbox = try AgentSandbox()
        defer { sandbox.remove() }
        _ = try sandbox.boot(uptime: 1000)
        let token = try cli(["device", "add", "pi-1"])
        var keys: [String: String] = [:]
        for (name, extra) in [
            ("good", ["--every", "1h"]), ("broken", ["--every", "1h"]),
            ("hangs", ["--every", "1h", "--max-runtime", "3s"]),
            ("never", ["--every", "2s", "--grace", "1s"]), ("cut", ["--every", "1h"]),
        ] {
            keys[name] = try cli(["job", "add", name, "--device", "pi-1"] + extra)
        }
        var collector = try CollectorProcess(dataDir: data, env: env)
        defer { collector.stop() }
        var agent = try AgentProcess(collector: collector.url, device: "pi-1", token: token, sandbox: sandbox)
        defer { agent.stop(SIGKILL) }
        func ping(_ job: String, _ path: String, body: String = "") throws {
            let r = try Binaries.run(
                "/usr/bin/curl",
                [
                    "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--data-binary", body,
                    "\(collector.url)/ping/job/\(keys[job] ?? "")\(path)",
                ])
            #expect(r.out == "200", "\(job)\(path): \(r)")
        }
        try ping("good", "/start")
        try ping("good", "", body: "all fine")
        try ping("broken", "/start")
        try ping("broken", "/fail", body: "disk full")
        try ping("hangs", "/start")
        // A run of the wrapper cut by a power loss: its start is sent, the wrapper dies, the device boots again.
        let wrapper = Process()
        wrapper.executableURL = URL(fileURLWithPath: Binaries.path("downtime-agent"))
        wrapper.arguments = [
            "job", "cut", "--collector", collector.url, "--device", "pi-1", "--state-dir", sandbox.stateDir,
            "--boot-id-file", sandbox.bootIDFile, "--uptime-file", sandbox.uptimeFile,
            "--time-sync-file", sandbox.timeSyncFile, "--", "sleep", "31.5",
        ]
        wrapper.environment = ProcessInfo.processInfo.environment.merging([
            "DOWNTIME_TOKEN": token, "DOWNTIME_AGENT_ENV": "/nonexistent",
        ]) { _, new in new }
        wrapper.standardOutput = FileHandle.nullDevice
        try wrapper.run()
        eventually(20, "the cut job's start") {
            try Curl.get("\(collector.url)/api/v1/devices/pi-1/events?limit=500", as: EventList.self).events
                .contains { if case .jobStart(let s) = $0.payload { s.name == "cut" } else { false } }
        }
        kill(wrapper.processIdentifier, SIGKILL)
        wrapper.waitUntilExit()
        // Its command dies with the power too.
        _ = try? Binaries.run("/usr/bin/pkill", ["-f", "^sleep 31.5$"])
        agent.stop(SIGKILL)
        _ = try sandbox.boot(uptime: 5)
        agent = try AgentProcess(collector: collector.url, device: "pi-1", token: token, sandbox: sandbox)

        let expected: [(String, JobState)] = [
            ("broken", .failed), ("hangs", .tooLong), ("never", .late), ("cut", .interrupted),
        ]
        for (job, state) in expected {
            eventually(30, "\(job) \(state.rawValue) and its message") {
                try Self.flips(collector.url, job).last?.to == state
                    && Self.messages(receiver, "job_problem", about: job).count == 1
            }
        }
        // Runs that end well are logged, never a problem (a run shorter than a judging is only its ok).
        let good = try Self.flips(collector.url, "good")
        #expect(good.last?.to == .ok && !good.contains { $0.to.isProblem }, "\(good)")
        #expect(
            Self.messages(receiver, "job_problem", about: "broken").first?.contains("broken on pi-1 failed") == true)
        #expect(Self.messages(receiver, "job_problem", about: "hangs").first?.contains("over 3s") == true)

        // Killed and restarted: every job is judged again, nothing is recorded or told twice.
        collector.stop(SIGKILL)
        collector = try CollectorProcess(dataDir: data, env: env)
        Thread.sleep(forTimeInterval: 5)
        for (job, state) in expected {
            #expect(try Self.flips(collector.url, job).filter { $0.to == state }.count == 1, "\(job)")
            #expect(Self.messages(receiver, "job_problem", about: job).count == 1, "\(job)")
        }
        // The failed job runs well: ok again, told once.
        try ping("broken", "/start")
        try ping("broken", "")
        eventually(20, "broken ok again") {
            try Self.flips(collector.url, "broken").last?.to == .ok
                && Self.messages(receiver, "job_ok", about: "broken").count == 1
        }
        #expect(Self.messages(receiver, "job_problem", about: "good").isEmpty)
        #expect(Self.messages(receiver, "job_ok", about: "good").isEmpty)
    }
}
