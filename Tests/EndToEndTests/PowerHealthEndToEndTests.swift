import DowntimeProtocol
import Foundation
import Testing

/// The real agent reads fake sysfs files (`--sysfs-root`) and the real collector shows what they say (issue #18).
@Suite(.serialized) struct PowerHealthEndToEndTests {
    static func write(_ root: String, _ path: String, _ text: String) throws {
        let full = root + path
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true)
        try text.write(toFile: full, atomically: true, encoding: .utf8)
    }

    @Test func theAgentReportsItsPowerFlagsAndTheCollectorShowsThem() throws {
        let site = try Site()
        let sandbox = try AgentSandbox()
        defer {
            site.remove()
            sandbox.remove()
        }
        let sysfs = sandbox.root + "/sys root" // a space in the path, as under /root in `make test`
        try Self.write(sysfs, "/sys/devices/platform/soc/soc:firmware/get_throttled", "0\n")
        try Self.write(sysfs, "/sys/class/thermal/thermal_zone0/temp", "47250\n")
        let collector = try CollectorProcess(dataDir: site.data)
        _ = try sandbox.boot(uptime: 1000)
        let agent = try AgentProcess(
            collector: collector.url, device: site.device, token: site.token, sandbox: sandbox,
            extraArgs: ["--sysfs-root", sysfs])
        defer { agent.stop(SIGKILL) }
        let api = "\(collector.url)/api/v1/devices/\(site.device)"
        eventually(15, "a healthy reading") {
            try Curl.get(api, as: DeviceView.self).health
                == DeviceHealth(
                    underVoltageNow: false, underVoltageSinceBoot: false, throttledNow: false,
                    throttledSinceBoot: false, freqCappedSinceBoot: false, tempC: 47.3)
        }
        #expect(!(try Curl.request("GET", collector.url + "/").body.contains("power:")))

        // A brown-out: under-voltage and throttling now, then over (the firmware's sticky bits stay).
        try Self.write(sysfs, "/sys/devices/platform/soc/soc:firmware/get_throttled", "50005\n")
        eventually(10, "under-voltage now") { try Curl.get(api, as: DeviceView.self).health?.underVoltageNow == true }
        try Self.write(sysfs, "/sys/devices/platform/soc/soc:firmware/get_throttled", "0\n")
        eventually(10, "under-voltage over") { try Curl.get(api, as: DeviceView.self).health?.underVoltageNow == false }
        let health = try Curl.get(api, as: DeviceView.self).health
        // The agent remembers what it saw this boot even where the firmware's sticky bits were cleared.
        #expect(health?.underVoltageSinceBoot == true && health?.throttledSinceBoot == true)
        #expect(
            try Curl.request("GET", collector.url + "/").body.contains(
                "power: under-voltage since boot, throttled since boot"))
        let page = try Curl.request("GET", "\(collector.url)/devices/\(site.device)").body
        #expect(page.contains("under-voltage since boot, throttled since boot · 47.3 °C"), "\(page)")
        // The collector logged the warning appearing and clearing.
        let log = try Curl.request("GET", "\(collector.url)/devices/\(site.device)/log.txt").body
        #expect(log.contains("power_warning power warning: under-voltage, throttled now"), "\(log)")
        #expect(log.contains("power_warning power warning cleared: no more under-voltage, throttled"), "\(log)")
        // The Prometheus gauges, lint-clean.
        let metrics = try Curl.request("GET", "\(collector.url)/metrics").body
        #expect(metrics.contains("downtime_device_temperature_celsius{device=\"\(site.device)\"} 47.3\n"))
        #expect(metrics.contains("downtime_device_under_voltage{device=\"\(site.device)\"} 0\n"))
        let file = sandbox.root + "/metrics.txt"
        try metrics.write(toFile: file, atomically: true, encoding: .utf8)
        let check = try Binaries.run("/bin/sh", ["-c", "/usr/bin/promtool check metrics < \"$1\"", "sh", file])
        #expect(check.status == 0, "promtool: \(check.out) \(check.err)")
        #expect(!agent.output.contains("<3>"), "\(agent.output)")
    }

    @Test func aPowerCutAfterABrownOutCarriesTheEvidence() throws {
        let site = try Site()
        let sandbox = try AgentSandbox()
        defer {
            site.remove()
            sandbox.remove()
        }
        let sysfs = sandbox.root + "/sys root"
        let throttled = "/sys/devices/platform/soc/soc:firmware/get_throttled"
        try Self.write(sysfs, throttled, "0\n")
        let collector = try CollectorProcess(dataDir: site.data)
        _ = try sandbox.boot(uptime: 5000)
        let first = try AgentProcess(
            collector: collector.url, device: site.device, token: site.token, sandbox: sandbox,
            extraArgs: ["--sysfs-root", sysfs])
        let api = "\(collector.url)/api/v1/devices/\(site.device)"
        eventually(15, "a reading") { try Curl.get(api, as: DeviceView.self).health?.underVoltageNow == false }
        try Self.write(sysfs, throttled, "50005\n")
        let brownOut = Date()
        eventually(10, "under-voltage now") { try Curl.get(api, as: DeviceView.self).health?.underVoltageNow == true }
        usleep(2_500_000) // a persist tick later: last-alive moves on, the warning's time stays
        first.stop(SIGKILL) // the power goes
        usleep(2_000_000)
        _ = try sandbox.boot(uptime: 1.5)
        try Self.write(sysfs, throttled, "0\n") // a new boot: the firmware's flags are clear again
        let second = try AgentProcess(
            collector: collector.url, device: site.device, token: site.token,
            sandbox: sandbox, extraArgs: ["--sysfs-root", sysfs])
        defer { second.stop(SIGKILL) }
        var outage: OutageReport?
        eventually(15, "the outage") {
            let events = try site.agentEvents(collector)
            outage = events.compactMap { if case .outage(let o) = $0.payload { o } else { nil } }.first
            return outage != nil
        }
        let o = try #require(outage)
        #expect(o.cause == .powerLoss)
        let seen = try #require(o.underVoltageSeen, "\(o)")
        #expect(seen >= brownOut - 1.5 && seen <= (o.start ?? seen))
        #expect(o.throttledSeen != nil)
        let words = try #require(o.powerEvidence)
        #expect(words.hasPrefix("under-voltage last seen ") && words.contains(" s before the last-alive time"))
        let log = try Curl.request("GET", "\(collector.url)/devices/\(site.device)/log.txt").body
        #expect(log.contains(words), "\(log)")
        #expect(second.output.contains("before that outage: under-voltage last seen"), "\(second.output)")
    }
}
