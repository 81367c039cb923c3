import DowntimeProtocol
import Foundation
import Testing

/// `agent/downtime-report.sh` (POSIX sh + curl) against the real collector, with injected boot facts.
@Suite(.serialized) struct ShellReporterTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("agent/downtime-report.sh").path

    struct Device {
        let dir: String
        let env: [String: String]
        func setBoot(_ id: String, uptime: Int) throws {
            try "\(id)\n".write(toFile: "\(dir)/boot_id", atomically: true, encoding: .utf8)
            try "\(uptime).42 1.00\n".write(toFile: "\(dir)/uptime", atomically: true, encoding: .utf8)
        }
        @discardableResult
        func once() throws -> (status: Int32, out: String, err: String) {
            try Binaries.run("/bin/dash", [ShellReporterTests.script, "--once"], env: env)
        }
    }

    static func device(_ collector: String, token: String, dir: String) throws -> Device {
        let d = Device(
            dir: dir,
            env: [
                "DOWNTIME_COLLECTOR_URL": collector, "DOWNTIME_TOKEN": token, "DOWNTIME_DEVICE": "router",
                "DOWNTIME_STATE_DIR": "\(dir)/state", "DOWNTIME_INTERVAL": "1", "DOWNTIME_PERSIST_INTERVAL": "60",
                "DOWNTIME_BOOT_ID_FILE": "\(dir)/boot_id", "DOWNTIME_UPTIME_FILE": "\(dir)/uptime",
            ])
        try d.setBoot("aaaa-1111", uptime: 500)
        return d
    }

    static func outages(_ url: String) throws -> [OutageReport] {
        try Curl.get("\(url)/api/v1/devices/router/events", as: EventList.self).events.compactMap {
            if case .outage(let o) = $0.payload { return o }
            return nil
        }
    }

    @Test func theReporterSendsThePowerFlagsItCanReadWithCat() throws {
        let data = try Binaries.tempDir("sh health")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let token = String(
            try Binaries.run("downtime-collector", ["device", "add", "router", "--data-dir", data])
                .out.split(separator: "\n").last ?? "")
        let collector = try CollectorProcess(dataDir: data)
        let d = try Self.device(collector.url, token: token, dir: data)
        let api = "\(collector.url)/api/v1/devices/router"
        // No such files: no field (an older collector's beat).
        #expect(try d.once().status == 0)
        #expect(try Curl.get(api, as: DeviceView.self).health == nil)

        let root = data + "/sys root"
        func write(_ path: String, _ text: String) throws {
            try FileManager.default.createDirectory(
                atPath: root + (path as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true)
            try text.write(toFile: root + path, atomically: true, encoding: .utf8)
        }
        try write("/sys/devices/platform/soc/soc:firmware/get_throttled", "20006\n")
        try write("/sys/class/hwmon/hwmon2/name", "rpi_volt\n")
        try write("/sys/class/hwmon/hwmon2/in0_lcrit_alarm", "1\n")
        try write("/sys/class/thermal/thermal_zone0/temp", "61870\n")
        var env = d.env
        env["DOWNTIME_SYSFS_ROOT"] = root
        let run = try Binaries.run("/bin/dash", [Self.script, "--once"], env: env)
        #expect(run.status == 0, "\(run.err)")
        #expect(
            try Curl.get(api, as: DeviceView.self).health
                == DeviceHealth(
                    underVoltageNow: true, underVoltageSinceBoot: true, throttledNow: true,
                    throttledSinceBoot: true, freqCappedSinceBoot: true, tempC: 61.9))
    }

    @Test func bootIdGapDetectionOverCurl() throws {
        let data = try Binaries.tempDir("sh")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let token = String(
            try Binaries.run("downtime-collector", ["device", "add", "router", "--data-dir", data])
                .out.split(separator: "\n").last ?? "")
        let collector = try CollectorProcess(dataDir: data)
        let d = try Self.device(collector.url, token: token, dir: data)

        // First run: beats, no outage.
        #expect(try d.once().status == 0)
        #expect(try Curl.get("\(collector.url)/api/v1/devices/router", as: DeviceView.self).status == .up)
        #expect(try Self.outages(collector.url).isEmpty)
        // As if the power went 300 s ago: the state file says so.
        let lastAlive = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 - 300).rounded(.down))
        let state = try String(contentsOfFile: "\(data)/state/state", encoding: .utf8).split(separator: " ")
        try "\(state[0]) \(Int(lastAlive.timeIntervalSince1970)) \(state[2]) running\n"
            .write(toFile: "\(data)/state/state", atomically: true, encoding: .utf8)

        // A reboot 100 s ago without a clean stop: power loss or crash, from the last-alive time.
        try d.setBoot("bbbb-2222", uptime: 100)
        #expect(try d.once().status == 0)
        var outages = try Self.outages(collector.url)
        #expect(outages.count == 1 && outages.first?.cause == .powerLoss)
        if let o = outages.first, let start = o.start, let end = o.end {
            #expect(abs(start.timeIntervalSince(lastAlive)) <= 2)
            #expect(abs(end.timeIntervalSince(Date() - 100)) <= 2)
            #expect(abs((o.durationS ?? 0) - 200) <= 2)
        }

        // Running as a service, stopped with SIGTERM, then a reboot: a clean reboot.
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: "/bin/dash")
        daemon.arguments = [Self.script]
        daemon.environment = ProcessInfo.processInfo.environment.merging(d.env) { _, n in n }
        try daemon.run()
        Thread.sleep(forTimeInterval: 1.5)
        daemon.terminate()
        daemon.waitUntilExit()
        #expect(daemon.terminationStatus == 0)
        try d.setBoot("cccc-3333", uptime: 30)
        try d.once()
        outages = try Self.outages(collector.url)
        #expect(outages.map(\.cause) == [.powerLoss, .cleanReboot])
        let kinds = try Curl.get("\(collector.url)/api/v1/devices/router/events", as: EventList.self).events.map(\.kind)
        #expect(kinds.contains(.shutdown))

        // The collector away: the event waits in the outbox and arrives once when it is back.
        collector.stop()
        try d.setBoot("dddd-4444", uptime: 20)
        try d.once()
        let waiting = try FileManager.default.contentsOfDirectory(atPath: "\(data)/state/outbox")
        #expect(waiting.count == 1, "\(waiting)") // the outage (--once logs no agent_started)
        let again = try CollectorProcess(dataDir: data)
        let env2 = d.env.merging(["DOWNTIME_COLLECTOR_URL": again.url]) { _, n in n }
        _ = try Binaries.run("/bin/dash", [Self.script, "--once"], env: env2)
        _ = try Binaries.run("/bin/dash", [Self.script, "--once"], env: env2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(data)/state/outbox").isEmpty)
        #expect(try Self.outages(again.url).map(\.cause) == [.powerLoss, .cleanReboot, .powerLoss])
    }

    @Test func badConfigurationIsOneLineAndExitCode2() throws {
        let r = try Binaries.run(
            "/bin/dash", [Self.script], env: ["DOWNTIME_COLLECTOR_URL": "ftp://x", "DOWNTIME_TOKEN": "t"])
        #expect(r.status == 2 && r.err.split(separator: "\n").count == 1 && r.err.contains("http://"))
        let r2 = try Binaries.run(
            "/bin/dash", [Self.script],
            env: [
                "DOWNTIME_COLLECTOR_URL": "http://x", "DOWNTIME_TOKEN": "t",
                "DOWNTIME_DEVICE": "Bad Name",
            ])
        #expect(r2.status == 2 && r2.err.contains("DOWNTIME_DEVICE"))
    }
}
