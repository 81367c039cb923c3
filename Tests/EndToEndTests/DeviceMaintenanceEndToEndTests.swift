import DowntimeProtocol
import Foundation
import Testing

/// Issue #31, maintenance from the device, with the real binaries: `downtime-agent maintenance` announces a window
/// through the agent's state folder and the collector applies it by its own times.
@Suite(.serialized) struct DeviceMaintenanceEndToEndTests {
    /// A collector with pi-1 and a webhook receiver, the agent's sandbox, and the CLI.
    final class Rig {
        let data: String
        let sandbox: AgentSandbox
        let receiver: WebhookReceiver
        let token: String
        var collector: CollectorProcess?
        var agent: AgentProcess?

        init() throws {
            data = try Binaries.tempDir("maint")
            sandbox = try AgentSandbox()
            receiver = try WebhookReceiver()
            let add = try Binaries.run("downtime-collector", ["device", "add", "pi-1", "--data-dir", data])
            token = String(add.out.split(separator: "\n").last ?? "")
            _ = try sandbox.boot(uptime: 1000)
        }

        var url: String { collector?.url ?? "http://127.0.0.1:1" }

        func startCollector() throws {
            collector = try CollectorProcess(
                dataDir: data,
                env: [
                    "DOWNTIME_NOTIFY": "hook=webhook http://127.0.0.1:\(receiver.port)/hook",
                    "DOWNTIME_NOTIFY_SETTLE": "2",
                ])
        }

        func startAgent() throws {
            agent = try AgentProcess(collector: url, device: "pi-1", token: token, sandbox: sandbox)
        }

        /// `downtime-agent maintenance ARGS` as a hook runs it: same state folder and boot files as the agent.
        func maintenance(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
            try Binaries.run(
                "downtime-agent",
                ["maintenance"] + args + [
                    "--collector", url, "--device", "pi-1", "--state-dir", sandbox.stateDir,
                    "--boot-id-file", sandbox.bootIDFile, "--uptime-file", sandbox.uptimeFile,
                    "--time-sync-file", sandbox.timeSyncFile,
                ], env: ["DOWNTIME_TOKEN": token, "DOWNTIME_AGENT_ENV": "/nonexistent"])
        }

        func view() throws -> DeviceView { try Curl.get("\(url)/api/v1/devices/pi-1", as: DeviceView.self) }

        func log() throws -> [Event] {
            try Curl.get("\(url)/api/v1/devices/pi-1/events", as: EventList.self).events
        }

        /// The messages told, but the device's first appearance.
        var told: [String] { receiver.lines.filter { !$0.contains("\"event\":\"new\"") } }

        /// Kills the agent as a power cut would, and boots the device again after `seconds`.
        func powerCut(for seconds: UInt32) throws {
            agent?.stop(SIGKILL)
            sleep(seconds)
            _ = try sandbox.boot(uptime: 5)
        }

        deinit {
            agent?.stop(SIGKILL)
            collector?.stop()
            sandbox.remove()
            try? FileManager.default.removeItem(atPath: data)
        }
    }

    /// (1) and (4): a 30-minute window, a reboot inside it, then `--end`.
    @Test func aRebootInsideAnnouncedMaintenanceIsNoOutageAndEndEndsIt() throws {
        let rig = try Rig()
        try rig.startCollector()
        try rig.startAgent()
        eventually(20, "pi-1 up") { try rig.view().status == .up }
        let announced = try rig.maintenance(["30m", "--reason", "kernel upgrade"])
        #expect(announced.status == 0 && announced.out.contains("sent to"), "\(announced)")
        eventually(5, "pi-1 in maintenance") { try rig.view().status == .paused }
        #expect(try rig.view().maintenance?.reason == "kernel upgrade")
        let page = try Curl.request("GET", "\(rig.url)/devices/pi-1").body
        #expect(page.contains("announced by the device") && page.contains("kernel upgrade"))
        sleep(3) // the agent's state written after the announcement: its outage starts inside the window
        // Silent far past 3 missed beats and the grace: no down, no message.
        try rig.powerCut(for: 12)
        let silent = try rig.view()
        #expect(silent.status == .paused, "\(silent) \(rig.collector?.output ?? "")")
        let newBoot = try String(contentsOfFile: rig.sandbox.bootIDFile, encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        try rig.startAgent()
        eventually(20, "the reboot reported") {
            try rig.log().contains { $0.kind == .outage && $0.bootID == newBoot }
        }
        // A beat shows the device up until the next sweep (every second) shows it paused again.
        eventually(5, "pi-1 still in maintenance after its reboot") { try rig.view().status == .paused }
        let ended = try rig.maintenance(["--end"])
        #expect(ended.status == 0 && ended.out.contains("maintenance ended: sent"), "\(ended)")
        eventually(5, "pi-1 up after --end") { try rig.view().status == .up }
        let view = try rig.view()
        #expect(view.maintenance == nil)
        #expect(view.uptime.day == 1, "the reboot inside the window is no downtime: \(view.uptime)")
        let flips = try rig.log().filter { $0.kind == .flip }
        #expect(!flips.contains { if case .flip(let f) = $0.payload { f.to == .down } else { false } }, "\(flips)")
        sleep(3) // the group window: a message would have gone by now
        #expect(!rig.told.contains { $0.contains("DOWN") }, "\(rig.told)")
        #expect(
            try rig.log().map(\.kind).filter { $0 == .maintenanceStart || $0 == .maintenanceEnd } == [
                .maintenanceStart, .maintenanceEnd,
            ])
    }

    /// (2): announced while the collector is away; the agent ships it when it returns, and the window is applied
    /// from the time the device announced it, not from its arrival.
    @Test func aWindowAnnouncedWhileTheCollectorIsAwayIsAppliedByItsOwnTimes() throws {
        let rig = try Rig()
        try rig.startCollector()
        try rig.startAgent()
        eventually(20, "pi-1 up") { try rig.view().status == .up }
        rig.collector?.stop()
        let before = Date()
        let announced = try rig.maintenance(["30m", "--reason", "disk swap"])
        #expect(announced.status == 0 && announced.out.contains("for the running agent to send"), "\(announced)")
        sleep(3)
        try rig.powerCut(for: 6)
        try rig.startCollector()
        let collectorBack = Date()
        try rig.startAgent()
        eventually(20, "the window arrives") { try rig.view().maintenance != nil }
        let view = try rig.view()
        let window = try #require(view.maintenance)
        #expect(window.reason == "disk swap")
        #expect(abs(window.start.timeIntervalSince(before)) < 3, "\(window.start) vs \(before)")
        #expect(window.start < collectorBack - 5 && abs(window.end.timeIntervalSince(window.start) - 1_800) < 0.01)
        eventually(5, "pi-1 in maintenance") { try rig.view().status == .paused }
        // Exactly once: the outbox's copy and the drop folder's are the same event.
        sleep(2)
        #expect(try rig.log().filter { $0.kind == .maintenanceStart }.count == 1)
        #expect(!rig.told.contains { $0.contains("DOWN") }, "\(rig.told)")
        let drop = rig.sandbox.stateDir + "/outbox-drop"
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: drop)) ?? []).isEmpty)
    }

    /// (3): `--until-back` ends at the first beat of the new boot.
    @Test func untilBackEndsAtTheFirstBeatOfTheNewBoot() throws {
        let rig = try Rig()
        try rig.startCollector()
        try rig.startAgent()
        eventually(20, "pi-1 up") { try rig.view().status == .up }
        let announced = try rig.maintenance(["--until-back", "--reason", "planned reboot"])
        #expect(announced.status == 0 && announced.out.contains("until back after a reboot"), "\(announced)")
        eventually(5, "pi-1 in maintenance") { try rig.view().status == .paused }
        #expect(try rig.view().maintenance?.untilBack == true)
        sleep(3) // the agent's state written after the announcement: its outage starts inside the window
        try rig.powerCut(for: 12)
        #expect(try rig.view().status == .paused)
        let rebooted = Date()
        try rig.startAgent()
        eventually(20, "pi-1 up after its reboot") { try rig.view().status == .up }
        let ends = try rig.log().filter { $0.kind == .maintenanceEnd }
        #expect(ends.count == 1 && ends.first.map { $0.payload == .maintenanceEnd(back: true) } == true, "\(ends)")
        #expect(ends.first.map { $0.at > rebooted && $0.at < rebooted + 10 } == true)
        let view = try rig.view()
        #expect(view.maintenance == nil && view.uptime.day == 1, "\(view)")
        sleep(3)
        #expect(!rig.told.contains { $0.contains("DOWN") }, "\(rig.told)")
    }

    @Test func badInputIsOneLineExitTwoAndNothingWritten() throws {
        let rig = try Rig()
        for args in [["30x"], ["--until", "00:00"], ["--until", "23:59", "30m"], ["--end", "5m"]] {
            let r = try rig.maintenance(args)
            #expect(r.status == 2 && r.err.split(separator: "\n").count == 1, "\(args): \(r)")
        }
        #expect(!FileManager.default.fileExists(atPath: rig.sandbox.stateDir + "/outbox-drop"))
    }
}
