import DowntimeProtocol
import Foundation
import Synchronization
import Testing

/// A `downtime-agent` process with its boot facts in files the test controls.
final class AgentProcess {
    let process = Process()
    private let log = OutputLog()

    init(
        collector: String, device: String, token: String, sandbox: AgentSandbox, interval: Int = 1, persist: Int = 2,
        extraArgs: [String] = []
    ) throws {
        process.executableURL = URL(fileURLWithPath: Binaries.path("downtime-agent"))
        process.arguments =
            [
                "--collector", collector, "--device", device, "--state-dir", sandbox.stateDir,
                "--interval", "\(interval)", "--persist-interval", "\(persist)",
                "--boot-id-file", sandbox.bootIDFile, "--uptime-file", sandbox.uptimeFile,
                "--time-sync-file", sandbox.timeSyncFile,
            ] + extraArgs
        // The token through the environment, as systemd's EnvironmentFile= gives it.
        process.environment = ["DOWNTIME_TOKEN": token, "PATH": "/usr/bin:/bin"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        out.fileHandleForReading.readabilityHandler = { [log] h in
            let d = h.availableData
            if !d.isEmpty { log.append(String(decoding: d, as: UTF8.self)) }
        }
        try process.run()
    }

    var output: String { log.text }

    /// Sends `signal` and waits (at most 10 s) for the end; returns the exit status.
    @discardableResult
    func stop(_ signal: Int32) -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        kill(process.processIdentifier, signal)
        let deadline = Date() + 10
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit { stop(SIGKILL) }
}

/// The agent's state folder and the files that stand in for /proc and systemd-timesyncd.
struct AgentSandbox {
    let root: String
    var stateDir: String { root + "/state" }
    var bootIDFile: String { root + "/boot_id" }
    var uptimeFile: String { root + "/uptime" }
    var timeSyncFile: String { root + "/synchronized" }

    init() throws {
        root = try Binaries.tempDir("agent")
        try Data().write(to: URL(fileURLWithPath: timeSyncFile))
    }

    /// A boot: a new boot id, booted `uptime` seconds ago.
    func boot(uptime: Double) throws -> String {
        let id = UUID().uuidString.lowercased()
        try (id + "\n").write(toFile: bootIDFile, atomically: true, encoding: .utf8)
        try String(format: "%.2f 0.00\n", uptime).write(toFile: uptimeFile, atomically: true, encoding: .utf8)
        return id
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}

/// Polls `condition` every 100 ms for at most `seconds` (an error counts as not yet); records an
/// issue naming `what` on timeout.
@discardableResult
func eventually(
    _ seconds: Double, _ what: String, sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () throws -> Bool
) -> Bool {
    let deadline = Date() + seconds
    while Date() < deadline {
        if (try? condition()) == true { return true }
        usleep(100_000)
    }
    if (try? condition()) == true { return true }
    Issue.record("timed out after \(seconds) s waiting for \(what)", sourceLocation: sourceLocation)
    return false
}

/// A free TCP port on 127.0.0.1 (bound, read, released).
func freeLoopbackPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0
        }
    }
    return Int(UInt16(bigEndian: addr.sin_port))
}

/// A collector with one device, and the device's log read back through the API.
struct Site {
    let data: String
    let device = "pi-e2e"
    let token: String

    init() throws {
        data = try Binaries.tempDir("agent-site")
        let add = try Binaries.run("downtime-collector", ["device", "add", device, "--data-dir", data])
        token = String(add.out.split(separator: "\n").last ?? "")
    }

    func events(_ collector: CollectorProcess) throws -> [Event] {
        try Curl.get("\(collector.url)/api/v1/devices/\(device)/events", as: EventList.self).events
    }

    /// The events the agent posted (the collector's own flips left out).
    func agentEvents(_ collector: CollectorProcess) throws -> [Event] {
        try events(collector).filter(\.kind.isDeviceReported)
    }

    func remove() { try? FileManager.default.removeItem(atPath: data) }
}

private func outages(_ events: [Event]) -> [OutageReport] {
    events.compactMap { if case .outage(let o) = $0.payload { o } else { nil } }
}

@Suite(.serialized) struct AgentEndToEndTests {
    @Test func agentBeatsAndTheDeviceIsUp() throws {
        let site = try Site()
        let sandbox = try AgentSandbox()
        defer {
            site.remove()
            sandbox.remove()
        }
        let collector = try CollectorProcess(dataDir: site.data)
        let bootID = try sandbox.boot(uptime: 1000)
        let agent = try AgentProcess(collector: collector.url, device: site.device, token: site.token, sandbox: sandbox)

        eventually(15, "device up") {
            try Curl.get("\(collector.url)/api/v1/devices/\(site.device)", as: DeviceView.self).status == .up
        }
        let view = try Curl.get("\(collector.url)/api/v1/devices/\(site.device)", as: DeviceView.self)
        #expect(view.bootID == bootID && view.intervalS == 1 && view.agentVersion != nil)
        eventually(10, "agent_started") { try site.agentEvents(collector).map(\.kind) == [.agentStarted] }

        // SIGTERM: exit 0, the shutdown reported, the stop marked clean in the state file.
        #expect(agent.stop(SIGTERM) == 0, "\(agent.output)")
        #expect(try site.agentEvents(collector).map(\.kind) == [.agentStarted, .shutdown])
        let state = try String(contentsOfFile: sandbox.stateDir + "/state.json", encoding: .utf8)
        #expect(state.contains("\"clean_shutdown_at\":\"20"))
        // Quiet while all is well: a start line and a stop line, nothing per heartbeat.
        #expect(agent.output.split(separator: "\n").count <= 4, "\(agent.output)")
        #expect(!agent.output.contains("<3>"), "\(agent.output)")
    }

    /// Runs the agent, stops it with `signal`, waits `downFor` seconds, "reboots" and starts it again.
    /// Returns the outages the collector then holds and the true outage window.
    private func reboot(after signal: Int32, downFor: Double) throws -> (
        outages: [OutageReport], down: Date, up: Date, kinds: [Event.Kind]
    ) {
        let site = try Site()
        let sandbox = try AgentSandbox()
        defer {
            site.remove()
            sandbox.remove()
        }
        let collector = try CollectorProcess(dataDir: site.data)
        _ = try sandbox.boot(uptime: 5000)
        let first = try AgentProcess(collector: collector.url, device: site.device, token: site.token, sandbox: sandbox)
        eventually(15, "agent_started") { try site.agentEvents(collector).count == 1 }
        usleep(2_500_000) // longer than the persist interval: the state file has been rewritten
        let down = Date()
        first.stop(signal)
        usleep(UInt32(downFor * 1_000_000))
        let bootedFor = 1.5
        _ = try sandbox.boot(uptime: bootedFor)
        let up = Date() - bootedFor
        let second = try AgentProcess(
            collector: collector.url, device: site.device, token: site.token, sandbox: sandbox)
        defer { second.stop(SIGKILL) }
        eventually(15, "the outage") { !outages(try site.agentEvents(collector)).isEmpty }
        usleep(1_500_000) // nothing more should come
        let events = try site.agentEvents(collector)
        return (outages(events), down, up, events.map(\.kind))
    }

    @Test func powerLossAfterKill9AndANewBootID() throws {
        let r = try reboot(after: SIGKILL, downFor: 4)
        #expect(r.outages.count == 1)
        let o = try #require(r.outages.first)
        #expect(o.cause == .powerLoss && o.clockSynced)
        let truth = r.up.timeIntervalSince(r.down)
        let length = try #require(o.durationS)
        // last_alive is at most one persist interval (2 s) old when the power goes.
        #expect(abs(length - truth) <= 2 + 2, "reported \(length) s, true \(truth) s")
        #expect(abs(o.end!.timeIntervalSince(r.up)) < 2) // the agent reads the uptime file when it starts
        #expect(r.kinds == [.agentStarted, .agentStarted, .outage])
    }

    @Test func cleanRebootAfterSIGTERM() throws {
        let r = try reboot(after: SIGTERM, downFor: 3)
        #expect(r.outages.count == 1)
        let o = try #require(r.outages.first)
        #expect(o.cause == .cleanReboot)
        let truth = r.up.timeIntervalSince(r.down)
        let length = try #require(o.durationS)
        #expect(abs(length - truth) <= 2 + 2, "reported \(length) s, true \(truth) s")
        #expect(abs(o.start!.timeIntervalSince(r.down)) < 2) // the shutdown time is exact
        #expect(r.kinds == [.agentStarted, .shutdown, .agentStarted, .outage])
    }

    @Test func collectorAwayWhileTheDeviceRebootsEverythingArrivesOnceInOrder() throws {
        let site = try Site()
        let sandbox = try AgentSandbox()
        defer {
            site.remove()
            sandbox.remove()
        }
        let port = freeLoopbackPort()
        var collector = try CollectorProcess(dataDir: site.data, extraArgs: ["--port", "\(port)"])
        #expect(collector.port == port)
        let url = collector.url
        _ = try sandbox.boot(uptime: 5000)
        let first = try AgentProcess(collector: url, device: site.device, token: site.token, sandbox: sandbox)
        eventually(15, "agent_started") { try site.agentEvents(collector).count == 1 }

        collector.stop(SIGTERM)
        let away = Date()
        usleep(3_000_000) // the agent keeps beating into the void
        first.stop(SIGKILL) // power cut...
        usleep(2_000_000)
        _ = try sandbox.boot(uptime: 1) // ...and the device is back, the collector still away
        let second = try AgentProcess(collector: url, device: site.device, token: site.token, sandbox: sandbox)
        defer { second.stop(SIGKILL) }
        usleep(3_000_000)
        // The outbox holds what the collector has not seen.
        let spooled = try FileManager.default.contentsOfDirectory(atPath: sandbox.stateDir + "/outbox").filter {
            $0.hasSuffix(".json")
        }
        #expect(spooled.count == 2)

        collector = try CollectorProcess(dataDir: site.data, extraArgs: ["--port", "\(port)"])
        let back = Date()
        eventually(20, "all events") { try site.agentEvents(collector).count >= 4 }
        usleep(2_500_000) // and nothing after them
        let events = try site.agentEvents(collector)
        #expect(
            events.map(\.kind) == [.agentStarted, .agentStarted, .outage, .collectorUnreachable], "\(second.output)")
        #expect(Set(events.map(\.id)).count == events.count)
        #expect(outages(events).first?.cause == .powerLoss)
        if case .collectorUnreachable(let start, let end)? = events.last?.payload {
            #expect(start >= away - 1 && start <= away + 2)
            #expect(end >= back - 1 && end <= Date())
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: sandbox.stateDir + "/outbox").isEmpty)
        // The collector's own absence is unknown, not downtime: a collector_down record, no down flip.
        let log = try site.events(collector)
        #expect(log.contains { $0.kind == .collectorDown })
        #expect(!log.contains { if case .flip(let f) = $0.payload { f.to == .down } else { false } })
    }

    @Test func kill9AtRandomMomentsNeverCorruptsTheStateOrLosesTheOutbox() throws {
        let site = try Site()
        let sandbox = try AgentSandbox()
        defer {
            site.remove()
            sandbox.remove()
        }
        let collector = try CollectorProcess(dataDir: site.data)
        _ = try sandbox.boot(uptime: 5000)
        // persist-interval 1: the state file is rewritten on every tick, so kills land mid-write too.
        for round in 0..<10 {
            let agent = try AgentProcess(
                collector: collector.url, device: site.device, token: site.token,
                sandbox: sandbox, interval: 1, persist: 1)
            usleep(UInt32(100_000 + (round * 137_000) % 1_200_000))
            agent.stop(SIGKILL)
        }
        let last = try AgentProcess(
            collector: collector.url, device: site.device, token: site.token, sandbox: sandbox,
            interval: 1, persist: 1)
        defer { last.stop(SIGKILL) }
        eventually(15, "the outbox drained") {
            try FileManager.default.contentsOfDirectory(atPath: sandbox.stateDir + "/outbox").isEmpty
        }
        let events = try site.agentEvents(collector)
        // Same boot, short gaps: no outage at all, above all no "unknown" from a torn state file.
        #expect(outages(events).isEmpty, "\(last.output)")
        #expect(!last.output.contains("unreadable"), "\(last.output)")
        #expect(Set(events.map(\.id)).count == events.count)
        #expect(events.allSatisfy { $0.kind == .agentStarted })
        #expect((2...11).contains(events.count))
    }

    @Test func badConfigurationIsOneLineAndExitCode2() throws {
        let none = try Binaries.run("downtime-agent", [], env: ["DOWNTIME_COLLECTOR_URL": ""])
        #expect(none.status == 2 && none.err.split(separator: "\n").count == 1 && none.err.contains("collector"))
        let interval = try Binaries.run("downtime-agent", ["--collector", "http://127.0.0.1:1", "--interval", "0"])
        #expect(interval.status == 2 && interval.err.contains("--interval"))
        let dir = try Binaries.tempDir("agent-cfg")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let token = try Binaries.run(
            "downtime-agent", ["--collector", "http://127.0.0.1:1", "--state-dir", dir],
            env: ["DOWNTIME_TOKEN": "", "DOWNTIME_ENROLLMENT_KEY": ""])
        #expect(token.status == 2 && token.err.contains("no token"))
        let version = try Binaries.run("downtime-agent", ["--version"])
        #expect(version.status == 0 && version.out.hasPrefix("downtime-agent "))
    }
}
