import DowntimeProtocol
import Foundation
import Testing

/// Issue #28's reminders with the real binaries: a device that stays down is reminded of every `remind=` of the
/// channel, across a collector restart, until it is back.
@Suite(.serialized) struct ReminderEndToEndTests {
    @Test func aDeviceThatStaysDownIsRemindedOfUntilItIsBack() throws {
        let data = try Binaries.tempDir("remind")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let add = try Binaries.run("downtime-collector", ["device", "add", "pi-shed", "--data-dir", data])
        let token = String(add.out.split(separator: "\n").last ?? "")
        let receiver = try WebhookReceiver()
        let env = [
            "DOWNTIME_NOTIFY": "hook=webhook http://127.0.0.1:\(receiver.port)/hook remind=5s", "DOWNTIME_MISSES": "2",
            "DOWNTIME_GRACE": "1", "DOWNTIME_NOTIFY_SETTLE": "1", "DOWNTIME_NOTIFY_DAMP_MINUTES": "0",
            "DOWNTIME_TIMEZONE": "Europe/Berlin",
        ]
        var collector = try CollectorProcess(dataDir: data, env: env)
        let sandbox = try AgentSandbox()
        defer { sandbox.remove() }
        _ = try sandbox.boot(uptime: 1000)
        var agent = try AgentProcess(collector: collector.url, device: "pi-shed", token: token, sandbox: sandbox)
        defer { agent.stop(SIGKILL) }
        func view() throws -> DeviceView {
            try Curl.get("\(collector.url)/api/v1/devices/pi-shed", as: DeviceView.self)
        }
        func reminders() -> [String] { receiver.lines.filter { $0.contains("\"event\":\"reminder\"") } }
        eventually(10, "pi-shed up") { try view().status == .up }

        agent.stop(SIGKILL)
        eventually(10, "pi-shed down") { try view().status == .down }
        eventually(20, "two reminders") { reminders().count >= 2 }
        let text = reminders().first ?? ""
        #expect(text.contains("pi-shed still down since ") && text.contains(" CET, for "), "\(text)")
        #expect(receiver.lines.filter { $0.contains("\"event\":\"down\"") }.count == 1)

        // A collector restart: the reminders go on at their spacing, no burst of the missed ones.
        collector.stop(SIGKILL)
        let before = reminders().count
        Thread.sleep(forTimeInterval: 11) // two spacings with no collector
        collector = try CollectorProcess(dataDir: data, env: env)
        Thread.sleep(forTimeInterval: 1.5)
        #expect(reminders().count <= before + 1, "at most the one due now: \(reminders().count - before)")
        eventually(12, "the reminders going on after the restart") { reminders().count >= before + 2 }

        // Back: no more reminders.
        agent = try AgentProcess(collector: collector.url, device: "pi-shed", token: token, sandbox: sandbox)
        eventually(10, "pi-shed up again") { try view().status == .up }
        let back = reminders().count
        Thread.sleep(forTimeInterval: 7)
        #expect(reminders().count == back, "reminded after the return")
        collector.stop()
    }
}
