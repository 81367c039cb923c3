import DowntimeProtocol
import Foundation
import Testing

/// Issue #26 (the campaign's `message-lost-on-collector-kill`): a down message the collector still held (grouping)
/// when it was killed with SIGKILL is sent after its restart, once; the store's notification cursor stays before
/// the flips whose messages were held (docs/DESIGN.md "Notifications survive a crash").
@Suite(.serialized) struct NotificationCrashEndToEndTests {
    @Test func aDownMessageHeldWhenTheCollectorIsKilledIsSentAfterItsRestart() throws {
        let data = try Binaries.tempDir("notify-crash")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let add = try Binaries.run("downtime-collector", ["device", "add", "pi-shed", "--data-dir", data])
        let token = String(add.out.split(separator: "\n").last ?? "")
        let receiver = try WebhookReceiver()
        let env = [
            "DOWNTIME_NOTIFY": "hook=webhook http://127.0.0.1:\(receiver.port)/hook", "DOWNTIME_MISSES": "2",
            "DOWNTIME_GRACE": "1", "DOWNTIME_NOTIFY_SETTLE": "2", "DOWNTIME_NOTIFY_DAMP_MINUTES": "0",
        ]
        var collector = try CollectorProcess(dataDir: data, env: env)
        let sandbox = try AgentSandbox()
        defer { sandbox.remove() }
        _ = try sandbox.boot(uptime: 1000)
        let agent = try AgentProcess(collector: collector.url, device: "pi-shed", token: token, sandbox: sandbox)
        defer { agent.stop(SIGKILL) }
        func view() throws -> DeviceView {
            try Curl.get("\(collector.url)/api/v1/devices/pi-shed", as: DeviceView.self)
        }
        func downs() -> [String] { receiver.lines.filter { $0.contains("\"event\":\"down\"") } }
        eventually(10, "pi-shed up") { try view().status == .up }
        eventually(5, "the new message") { receiver.lines.contains { $0.contains("\"event\":\"new\"") } }

        // Down; its message waits 10 s for others to group with. The collector dies within that wait.
        agent.stop(SIGKILL)
        eventually(10, "pi-shed down") { try view().status == .down }
        let downSeen = Date()
        Thread.sleep(forTimeInterval: 2)
        collector.stop(SIGKILL)
        #expect(downs().isEmpty, "sent before the kill: the test would prove nothing")

        collector = try CollectorProcess(dataDir: data, env: env)
        defer { collector.stop() }
        // The device comes back 11.5 s after its down: after the hold that began with the down (10 s), before one
        // that would begin again at the restart. The message keeps its first hold: it is sent before the return.
        Thread.sleep(forTimeInterval: max(0, 11.5 - Date().timeIntervalSince(downSeen)))
        let back = try AgentProcess(collector: collector.url, device: "pi-shed", token: token, sandbox: sandbox)
        defer { back.stop(SIGKILL) }
        eventually(20, "the held down message sent after the restart") { downs().count == 1 }
        eventually(15, "the up message") { receiver.lines.contains { $0.contains("\"event\":\"up\"") } }
        #expect(downs().count == 1, "\(downs())")
        #expect(downs().first?.contains("pi-shed") == true)
    }
}
