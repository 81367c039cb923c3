import DowntimeProtocol
import Foundation
import Testing

/// The collector's own wall clock moved under it with Debian's libfaketime (monotonic clocks left real)
/// while real agents beat on the real clock.
@Suite(.serialized) struct CollectorClockEndToEndTests {
    /// A collector whose wall clock is the real one plus the offset in `offsetFile`, with a 1 s grace so
    /// that an agent beating every second is down 4 s after its last beat.
    static func fakedCollector(_ data: String, offsetFile: String, env: [String: String] = [:]) throws
        -> CollectorProcess
    {
        let all = AgentClockTests.faketime(offsetFile).merging(["DOWNTIME_GRACE": "1"]) { _, n in n }
            .merging(env) { _, n in n }
        return try CollectorProcess(dataDir: data, env: all, viaEnvironment: true)
    }

    static func addDevice(_ name: String, data: String) throws -> String {
        let add = try Binaries.run("downtime-collector", ["device", "add", name, "--data-dir", data])
        #expect(add.status == 0, "\(add.err)")
        return String(add.out.split(separator: "\n").last ?? "")
    }

    static func agent(_ collector: CollectorProcess, _ name: String, token: String) throws
        -> (AgentProcess, AgentSandbox)
    {
        let sandbox = try AgentSandbox()
        _ = try sandbox.boot(uptime: 100)
        return (try AgentProcess(collector: collector.url, device: name, token: token, sandbox: sandbox), sandbox)
    }

    static func device(_ c: CollectorProcess, _ name: String) throws -> DeviceView {
        try Curl.get("\(c.url)/api/v1/devices/\(name)", as: DeviceView.self)
    }

    static func flips(_ c: CollectorProcess, _ name: String) throws -> [(at: Date, flip: FlipRecord)] {
        try Curl.get("\(c.url)/api/v1/devices/\(name)/events", as: EventList.self).events.compactMap { e in
            if case .flip(let f) = e.payload { (e.at, f) } else { nil }
        }
    }

    static func state(_ c: CollectorProcess) throws -> CollectorStateJSON {
        try Curl.get("\(c.url)/api/v1/collector", as: CollectorStateJSON.self)
    }

    static func setOffset(_ file: String, _ text: String) throws {
        try (text + "\n").write(toFile: file + ".tmp", atomically: false, encoding: .utf8)
        _ = rename(file + ".tmp", file)
    }

    @Test func steppedAnHourForwardAndBackWhileAgentsBeat() throws {
        let data = try Binaries.tempDir("collector-clock")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let offset = data + "/faketime"
        try Self.setOffset(offset, "+0")
        let tokens = try ["pi-a", "pi-b"].map { try Self.addDevice($0, data: data) }
        // Synchronised whatever this machine's kernel says: only the steps are under test here.
        let syncFlag = data + "/synchronized"
        _ = FileManager.default.createFile(atPath: syncFlag, contents: Data())
        let collector = try Self.fakedCollector(data, offsetFile: offset, env: ["DOWNTIME_CLOCK_SYNC_FILE": syncFlag])
        let (a, sa) = try Self.agent(collector, "pi-a", token: tokens[0])
        let (b, sb) = try Self.agent(collector, "pi-b", token: tokens[1])
        defer {
            a.stop(SIGKILL)
            b.stop(SIGKILL)
            sa.remove()
            sb.remove()
        }
        eventually(15, "both up") { try ["pi-a", "pi-b"].allSatisfy { try Self.device(collector, $0).status == .up } }

        try Self.setOffset(offset, "+3600")
        eventually(10, "the forward clock_jump") { try Self.state(collector).clockJumps == 1 }
        usleep(6_000_000) // past every deadline a wall-clock liveness would have seen
        for name in ["pi-a", "pi-b"] {
            #expect(try Self.device(collector, name).status == .up)
            #expect(try Self.flips(collector, name).map(\.flip.to) == [.up], "\(collector.output)")
        }

        try Self.setOffset(offset, "+0")
        eventually(10, "the backward clock_jump") { try Self.state(collector).clockJumps == 2 }
        // A beat received after the step back, so that its deadline is on the clock as it is now (on a loaded
        // machine the step can be seen before pi-b's next beat, whose receipt time is then an hour ahead).
        eventually(10, "pi-b beats after the step back") {
            abs(try Self.device(collector, "pi-b").lastSeen?.timeIntervalSinceNow ?? 3600) < 2.5
        }
        b.stop(SIGKILL)
        let killed = Date()
        var downSeen: Date?
        eventually(20, "pi-b down") {
            let down = try Self.device(collector, "pi-b").status == .down
            if down { downSeen = Date() }
            return down
        }
        let lastSeen = try #require(try Self.device(collector, "pi-b").lastSeen)
        // Down at its deadline (last beat + 3 × 1 s + 1 s grace), polled every 100 ms: not an hour later.
        let deadline = lastSeen + 4
        if let downSeen {
            #expect(
                downSeen.timeIntervalSince(deadline) < 1.2 && downSeen.timeIntervalSince(deadline) > -0.3,
                "down seen \(downSeen.timeIntervalSince(deadline)) s after its deadline (killed \(killed))")
        }
        let bFlips = try Self.flips(collector, "pi-b")
        #expect(bFlips.map(\.flip.to) == [.up, .down])
        #expect(bFlips.last.map { abs($0.at.timeIntervalSince(lastSeen)) < 0.01 } == true, "\(bFlips)")
        #expect(try Self.device(collector, "pi-a").status == .up)
        #expect(try Self.flips(collector, "pi-a").map(\.flip.to) == [.up])
        #expect(try Self.device(collector, "pi-a").lastOutage == nil)

        let s = try Self.state(collector)
        #expect(s.clockJumps == 2 && s.records.filter { $0.kind == "clock_jump" }.count == 2)
        let steps = s.records.compactMap(\.deltaS)
        #expect(steps.count == 2 && abs(steps[0] - 3600) < 3 && abs(steps[1] + 3600) < 3, "\(steps)")
        let metrics = try Curl.request("GET", "\(collector.url)/metrics").body
        #expect(metrics.contains("downtime_collector_clock_jumps_total 2\n"))
        #expect(metrics.contains("downtime_collector_clock_last_jump_seconds -3"))
        let page = try Curl.request("GET", "\(collector.url)/").body
        #expect(page.contains("Collector clock stepped by -3"))
        let stepLines = collector.output.components(separatedBy: "collector wall clock stepped by").count - 1
        #expect(stepLines == 2, "\(collector.output)")
    }

    /// The true time here is the real one plus three hours: libfaketime (0.9.10) fakes timerfd deadlines
    /// even on the monotonic clock, so a collector started with a negative offset would sleep its sweeps for
    /// hours (a test artefact, not the collector's). So the agents run three hours ahead (the truth) and the
    /// collector starts on the real clock, three hours behind them, and is then stepped forward into sync.
    @Test func startedThreeHoursBehindUnsyncedThenSteppedIntoSync() throws {
        let data = try Binaries.tempDir("collector-unsynced")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let truthOffset = 10_800.0
        let truthFile = data + "/truth"
        try Self.setOffset(truthFile, "+10800")
        let offset = data + "/faketime"
        let syncFlag = data + "/synchronized"
        let tokens = try ["pi-a", "pi-b"].map { try Self.addDevice($0, data: data) }
        // A previous run on the true time, so that the next one starts behind its last alive mark.
        try Self.setOffset(offset, "+10800")
        _ = FileManager.default.createFile(atPath: syncFlag, contents: Data())
        let first = try Self.fakedCollector(data, offsetFile: offset, env: ["DOWNTIME_CLOCK_SYNC_FILE": syncFlag])
        usleep(2_500_000)
        first.stop()

        // A box without a real-time clock: back three hours behind, nothing says it is synchronised.
        try FileManager.default.removeItem(atPath: syncFlag)
        try Self.setOffset(offset, "+0")
        let collector = try Self.fakedCollector(data, offsetFile: offset, env: ["DOWNTIME_CLOCK_SYNC_FILE": syncFlag])
        var agents: [String: Process] = [:]
        var sandboxes: [AgentSandbox] = []
        defer {
            for p in agents.values where p.isRunning {
                kill(p.processIdentifier, SIGKILL)
                p.waitUntilExit()
            }
            for sandbox in sandboxes { sandbox.remove() }
        }
        for (name, token) in zip(["pi-a", "pi-b"], tokens) {
            let sandbox = try AgentSandbox()
            sandboxes.append(sandbox)
            agents[name] = try AgentClockTests.fakedAgent(
                [
                    "DOWNTIME_COLLECTOR_URL": collector.url, "DOWNTIME_DEVICE": name, "DOWNTIME_TOKEN": token,
                    "DOWNTIME_STATE_DIR": sandbox.stateDir, "DOWNTIME_INTERVAL": "1", "DOWNTIME_PERSIST_INTERVAL": "1",
                ], offsetFile: truthFile
            ).0
        }
        eventually(15, "both up") { try ["pi-a", "pi-b"].allSatisfy { try Self.device(collector, $0).status == .up } }
        #expect(try Self.state(collector).clockSynced == false)
        #expect(try Curl.request("GET", "\(collector.url)/").body.contains("Collector clock not synchronised"))
        usleep(2_000_000)

        // NTP steps it into sync.
        try Self.setOffset(offset, "+10800")
        _ = FileManager.default.createFile(atPath: syncFlag, contents: Data())
        eventually(10, "synchronised") { try Self.state(collector).clockSynced }
        usleep(6_000_000)
        let s = try Self.state(collector)
        let synced = try #require(s.records.first { $0.kind == "clock_synced" }, "\(collector.output)")
        #expect(abs((synced.deltaS ?? 0) - truthOffset) < 3, "\(s.records)")
        #expect(s.records.map(\.kind).contains("clock_unsynced"))
        for name in ["pi-a", "pi-b"] {
            let flips = try Self.flips(collector, name)
            // No false outage; the up flip recorded on the unsynchronised clock was re-dated when it synced (issue
            // #26), and says so instead of "time uncertain".
            #expect(flips.map(\.flip.to) == [.up], "\(collector.output)")
            let reason = flips.first?.flip.reason ?? ""
            #expect(reason.contains("re-dated by") && !reason.contains("time uncertain"), "\(flips)")
            let seen = try #require(try Self.device(collector, name).lastSeen)
            #expect(abs(seen.timeIntervalSinceNow - truthOffset) < 3, "\(seen)")
            // On the same true timeline as the last beat: seconds before it, not three hours.
            let up = try #require(flips.first?.at)
            #expect(up <= seen && seen.timeIntervalSince(up) < 60, "\(up) \(seen)")
        }
        // The time away was not recorded from a clock behind the previous run's last alive mark.
        let events = try Curl.get("\(collector.url)/api/v1/devices/pi-a/events", as: EventList.self).events
        #expect(!events.contains { $0.kind == .collectorDown }, "\(events)")
        #expect(collector.output.contains("behind the previous run's last alive mark"))

        // A device lost after the sync is down at its deadline, dated at its last beat on the true clock.
        let b = try #require(agents["pi-b"])
        kill(b.processIdentifier, SIGKILL)
        b.waitUntilExit()
        let killed = Date() + truthOffset
        eventually(10, "pi-b down") { try Self.device(collector, "pi-b").status == .down }
        #expect((Date() + truthOffset).timeIntervalSince(killed) < 6)
        let down = try #require(try Self.flips(collector, "pi-b").last)
        #expect(down.flip.to == .down && abs(down.at.timeIntervalSince(killed)) < 2, "\(down)")
        #expect(!down.flip.reason.contains("uncertain"))
        #expect(try Self.device(collector, "pi-a").status == .up)
    }
}

/// `GET /api/v1/collector` as the tests read it.
struct CollectorStateJSON: Decodable {
    struct Record: Decodable {
        var at: Date
        var kind: String
        var deltaS: Double?
        var detail: String
        enum CodingKeys: String, CodingKey {
            case at, kind, detail
            case deltaS = "delta_s"
        }
    }

    var clockSynced: Bool
    var clockJumps: Int
    var storeOK: Bool
    var storeFault: String?
    var freeBytes: Int64?
    var records: [Record]

    enum CodingKeys: String, CodingKey {
        case records
        case clockSynced = "clock_synced"
        case clockJumps = "clock_jumps"
        case storeOK = "store_ok"
        case storeFault = "store_fault"
        case freeBytes = "free_bytes"
    }
}
