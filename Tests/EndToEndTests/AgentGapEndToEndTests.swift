import DowntimeProtocol
import Foundation
import Testing

/// Issue #26 with the real binaries: `systemctl stop downtime-agent` (SIGTERM), a pause, `systemctl start` in the same
/// boot is an agent gap, not downtime, and is told as the agent's stop and return.
@Suite(.serialized) struct AgentGapEndToEndTests {
    @Test func aCleanAgentStopAndStartInTheSameBootIsNoDowntime() throws {
        let data = try Binaries.tempDir("agent-gap")
        let sandbox = try AgentSandbox()
        let receiver = try WebhookReceiver()
        defer {
            sandbox.remove()
            try? FileManager.default.removeItem(atPath: data)
        }
        let add = try Binaries.run("downtime-collector", ["device", "add", "pi-1", "--data-dir", data])
        let token = String(add.out.split(separator: "\n").last ?? "")
        _ = try sandbox.boot(uptime: 1000)
        let collector = try CollectorProcess(
            dataDir: data,
            env: [
                "DOWNTIME_NOTIFY": "hook=webhook http://127.0.0.1:\(receiver.port)/hook", "DOWNTIME_NOTIFY_SETTLE": "2",
            ])
        func view() throws -> DeviceView { try Curl.get("\(collector.url)/api/v1/devices/pi-1", as: DeviceView.self) }
        var agent = try AgentProcess(collector: collector.url, device: "pi-1", token: token, sandbox: sandbox)
        eventually(20, "pi-1 up") { try view().status == .up }
        sleep(2) // persisted
        #expect(agent.stop(SIGTERM) == 0, "\(agent.output)")
        // Down after 3 missed beats and the grace (8 s); told after the group window (10 s) as the agent's stop.
        eventually(30, "the agent-stopped message") { receiver.lines.contains { $0.contains("pi-1: agent stopped") } }
        #expect(try view().status == .down)
        let page = try Curl.request("GET", "\(collector.url)/devices/pi-1").body
        #expect(page.contains("Its agent stopped cleanly at"))
        agent = try AgentProcess(collector: collector.url, device: "pi-1", token: token, sandbox: sandbox)
        eventually(20, "pi-1 back with an agent gap") {
            let v = try view()
            return v.status == .up && v.lastOutage?.cause == .agentGap
        }
        let back = try view()
        // Neither up nor down: the shares know only the time the agent beat.
        #expect(back.uptime.day == 1, "\(back.uptime)")
        eventually(20, "the agent-back message") {
            receiver.lines.contains { $0.contains("pi-1: agent back, device not down") }
        }
        let told = receiver.lines.filter { !$0.contains("\"event\":\"new\"") }
        #expect(told.count == 2 && !told.contains { $0.contains("is DOWN") }, "\(told)")
        let device = try Curl.request("GET", "\(collector.url)/devices/pi-1").body
        #expect(device.contains("agent stopped (device not down)"))
        agent.stop(SIGTERM)
    }
}
