import DowntimeProtocol
import Foundation
import Testing

/// Issue #17: a parent agent and two agents behind it, all killed: the parent is down, the two unreachable,
/// one message, and their silence while the parent is down is not downtime.
@Suite(.serialized) struct DependencyEndToEndTests {
    @Test func aParentDownWithTwoDependants() throws {
        let data = try Binaries.tempDir("depends")
        defer { try? FileManager.default.removeItem(atPath: data) }
        var tokens: [String: String] = [:]
        for name in ["router", "pi-a", "pi-b"] {
            let add = try Binaries.run("downtime-collector", ["device", "add", name, "--data-dir", data])
            tokens[name] = String(add.out.split(separator: "\n").last ?? "")
        }
        for name in ["pi-a", "pi-b"] {
            let r = try Binaries.run(
                "downtime-collector", ["device", "depends", name, "--on", "router", "--data-dir", data])
            #expect(r.status == 0 && r.out == "\(name) depends on router.\n", "\(r.out) \(r.err)")
        }
        // Refused, nothing changed: a cycle, an unknown parent, both or neither of --on and --clear.
        let cycle = try Binaries.run(
            "downtime-collector", ["device", "depends", "router", "--on", "pi-a", "--data-dir", data])
        #expect(cycle.status == 2 && cycle.err.contains("router → pi-a → router would be a cycle"), "\(cycle.err)")
        let ghost = try Binaries.run(
            "downtime-collector", ["device", "depends", "pi-a", "--on", "ghost", "--data-dir", data])
        #expect(ghost.status == 3 && ghost.err.contains("no device named ghost"), "\(ghost.err)")
        let neither = try Binaries.run("downtime-collector", ["device", "depends", "pi-a", "--data-dir", data])
        #expect(neither.status == 2 && neither.err.contains("give either --on PARENT or --clear"), "\(neither.err)")
        let list = try Binaries.run("downtime-collector", ["device", "list", "--data-dir", data])
        #expect(list.out.contains("pi-a\tnew\tlast beat never\tdepends on router"), "\(list.out)")
        #expect(!list.out.contains("router\tnew\tlast beat never\tdepends"))

        let receiver = try WebhookReceiver()
        let collector = try CollectorProcess(
            dataDir: data,
            env: [
                "DOWNTIME_NOTIFY": "hook=webhook http://127.0.0.1:\(receiver.port)/hook", "DOWNTIME_MISSES": "2",
                "DOWNTIME_GRACE": "1", "DOWNTIME_NOTIFY_SETTLE": "2",
            ])
        var sandboxes: [String: AgentSandbox] = [:]
        var agents: [String: AgentProcess] = [:]
        defer { for s in sandboxes.values { s.remove() } }
        for name in ["router", "pi-a", "pi-b"] {
            let sandbox = try AgentSandbox()
            _ = try sandbox.boot(uptime: 1000)
            sandboxes[name] = sandbox
            agents[name] = try AgentProcess(
                collector: collector.url, device: name, token: tokens[name]!, sandbox: sandbox)
        }
        func view(_ name: String) throws -> DeviceView {
            try Curl.get("\(collector.url)/api/v1/devices/\(name)", as: DeviceView.self)
        }
        eventually(15, "all three up") { try ["router", "pi-a", "pi-b"].allSatisfy { try view($0).status == .up } }
        #expect(try view("pi-a").dependsOn == "router" && (try view("router").dependsOn) == nil)

        Thread.sleep(forTimeInterval: 3) // a few seconds of known up time
        // The power strip of the rack: all three at once.
        for agent in agents.values { agent.stop(SIGKILL) }
        let killed = Date()
        eventually(15, "router down, the two behind it unreachable") {
            try view("router").status == .down && view("pi-a").status == .unreachable
                && view("pi-b").status == .unreachable
        }
        let summary = try Curl.get("\(collector.url)/api/v1/summary", as: FleetSummary.self)
        #expect(summary.status == StatusCounts(down: 1, unreachable: 2), "\(summary)")
        let overview = try Curl.request("GET", "\(collector.url)/?status=unreachable")
        #expect(overview.status == 200 && overview.body.contains("pi-a") && overview.body.contains("pi-b"))
        func messages() -> [String] { receiver.lines.filter { !$0.contains("\"event\":\"new\"") } }
        eventually(20, "the down message") { !messages().isEmpty }
        Thread.sleep(forTimeInterval: 2) // nothing else follows
        #expect(messages().count == 1, "\(messages())")
        #expect(messages().first?.contains("router is down since") == true)
        #expect(messages().first?.contains("(2 devices behind it unreachable)") == true, "\(messages())")
        // Their silence behind the router is not downtime: no outage, every known second up.
        for name in ["pi-a", "pi-b"] {
            let v = try view(name)
            #expect(v.currentOutage == nil && v.lastOutage == nil && v.uptime.day == 1, "\(v)")
        }
        #expect((try view("router").uptime.day ?? 1) < 1)

        // The router comes back; the two stay silent: down from the router's return, not from their last beat.
        let returned = Date()
        agents["router"] = try AgentProcess(
            collector: collector.url, device: "router", token: tokens["router"]!, sandbox: sandboxes["router"]!)
        eventually(15, "router up") { try view("router").status == .up }
        eventually(15, "pi-a and pi-b down") { try view("pi-a").status == .down && view("pi-b").status == .down }
        for name in ["pi-a", "pi-b"] {
            let outage = try #require(try view(name).currentOutage)
            #expect(outage.start >= returned - 0.5 && outage.start > killed + 3, "\(outage) returned \(returned)")
        }
        eventually(20, "the up message") { messages().contains { $0.contains("router is back up") } }
        let up = messages().first { $0.contains("router is back up") } ?? ""
        #expect(up.contains("(2 devices behind it were unreachable)"), "\(up)")
        #expect(
            !messages().contains { $0.contains("pi-a is DOWN") && $0.contains("unreachable") },
            "\(messages())")
        agents["router"]?.stop(SIGTERM)
        collector.stop()
    }
}
