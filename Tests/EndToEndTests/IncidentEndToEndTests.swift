import DowntimeProtocol
import Foundation
import Testing

/// A TCP forwarder (python3's asyncio) from `port` to the collector: killing it cuts the agents behind it off.
final class LinkProxy {
    private var process: Process?
    let port: Int
    let target: Int

    init(port: Int, target: Int) throws {
        self.port = port
        self.target = target
        try start()
    }

    /// Starts forwarding and waits (at most 10 s) until it listens.
    func start() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = [
            "-c",
            """
            import asyncio, sys
            async def pipe(r, w):
                try:
                    while True:
                        d = await r.read(65536)
                        if not d: break
                        w.write(d); await w.drain()
                except Exception: pass
                finally:
                    w.close()
            async def handle(r, w):
                try: tr, tw = await asyncio.open_connection('127.0.0.1', int(sys.argv[2]))
                except Exception:
                    w.close(); return
                await asyncio.gather(pipe(r, tw), pipe(tr, w))
            async def main():
                s = await asyncio.start_server(handle, '127.0.0.1', int(sys.argv[1]), reuse_address=True)
                print('ready', flush=True)
                await s.serve_forever()
            asyncio.run(main())
            """,
            "\(port)", "\(target)",
        ]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        var text = ""
        let deadline = Date() + 10
        while !text.contains("ready"), Date() < deadline, p.isRunning {
            text += String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        }
        process = p
    }

    /// The link goes down: the forwarder and every connection through it end at once.
    func cut() {
        guard let p = process else { return }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        process = nil
    }

    deinit { cut() }
}

/// Real agents and a real collector (issue #17): a power cut at one site is one incident and one message.
@Suite(.serialized) struct IncidentEndToEndTests {
    struct Fleet {
        let data: String
        var tokens: [String: String] = [:]
        var sandboxes: [String: AgentSandbox] = [:]
        var agents: [String: AgentProcess] = [:]

        /// `house-1`…`house-4` in site house, `office-1` in site office, each with a booted sandbox.
        init() throws {
            data = try Binaries.tempDir("incidents")
            for (name, site) in [
                ("house-1", "house"), ("house-2", "house"), ("house-3", "house"), ("house-4", "house"),
                ("office-1", "office"),
            ] {
                let add = try Binaries.run("downtime-collector", ["device", "add", name, "--data-dir", data])
                tokens[name] = String(add.out.split(separator: "\n").last ?? "")
                let placed = try Binaries.run("downtime-collector", ["device", "site", name, site, "--data-dir", data])
                #expect(placed.status == 0 && placed.out.contains("\(name) is in site \(site)."), "\(placed.err)")
                let sandbox = try AgentSandbox()
                _ = try sandbox.boot(uptime: 1000)
                sandboxes[name] = sandbox
            }
        }

        mutating func start(_ name: String, collector: String) throws {
            agents[name] = try AgentProcess(
                collector: collector, device: name, token: tokens[name]!, sandbox: sandboxes[name]!, interval: 1,
                persist: 1)
        }

        /// The power goes at the house: the agents die where they are and their devices boot again (new boot id).
        func cut(_ names: [String]) throws {
            for n in names { agents[n]?.stop(SIGKILL) }
            for n in names { _ = try sandboxes[n]!.boot(uptime: 1) }
        }

        func remove() {
            for a in agents.values { a.stop(SIGKILL) }
            for s in sandboxes.values { s.remove() }
            try? FileManager.default.removeItem(atPath: data)
        }
    }

    static let cutDevices = ["house-1", "house-2", "house-3"]

    func incidents(_ url: String) throws -> [[String: Any]] {
        let r = try Curl.request("GET", "\(url)/api/v1/incidents")
        let json = try JSONSerialization.jsonObject(with: Data(r.body.utf8)) as? [String: Any]
        return json?["incidents"] as? [[String: Any]] ?? []
    }

    /// The cut's incident: the three, the fourth unaffected, office-1 nowhere; one message about it.
    func checkOneIncident(
        _ collectorURL: String, receiver: WebhookReceiver, collectorDown: Bool
    ) throws {
        eventually(40, "one power_cut incident with the three") {
            let list = try incidents(collectorURL)
            let names = (list.first?["devices"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
            return list.count == 1 && Set(names) == Set(Self.cutDevices)
        }
        let list = try incidents(collectorURL)
        #expect(list.count == 1)
        let incident = try #require(list.first)
        #expect(incident["kind"] as? String == "power_cut")
        #expect(incident["site"] as? String == "house")
        #expect(incident["unaffected"] as? [String] == ["house-4"])
        #expect(incident["collector_down"] as? Bool == collectorDown)
        let id = try #require(incident["id"] as? String)
        // Sent once the incident has been unchanged for the settle time (30 s by default).
        eventually(50, "the incident's message") { receiver.lines.contains { $0.contains("\"event\":\"incident\"") } }
        // Anything held (an up waiting for its report) would be due by now.
        sleep(3)
        let messages = receiver.lines.filter { !$0.contains("\"event\":\"new\"") }
        #expect(messages.count == 1, "\(messages)")
        #expect(messages.first?.contains("Power cut at house") == true)
        #expect(messages.first?.contains("house-4 stayed up") == true)
        let overview = try Curl.request("GET", "\(collectorURL)/")
        #expect(overview.body.contains("Incidents (last 30 days)") && overview.body.contains("/incidents/\(id)"))
        let page = try Curl.request("GET", "\(collectorURL)/incidents/\(id)")
        #expect(page.status == 200 && page.body.contains("Power cut at house"))
        let device = try Curl.request("GET", "\(collectorURL)/devices/house-1")
        #expect(device.body.contains("/incidents/\(id)"))
        // The pages that show incidents pass the Nu HTML checker without an error or a warning.
        let siteList = try Curl.request("GET", "\(collectorURL)/?site=house").body
        try expectValidHTML([
            ("overview.html", overview.body), ("incident.html", page.body), ("device.html", device.body),
            ("site.html", siteList),
        ])
    }

    @Test func deviceSiteRefusesBadInputWithItsExitCode() throws {
        let data = try Binaries.tempDir("site-cli")
        defer { try? FileManager.default.removeItem(atPath: data) }
        _ = try Binaries.run("downtime-collector", ["device", "add", "pi-1", "--data-dir", data])
        let bad = try Binaries.run(
            "downtime-collector", ["device", "site", "pi-1", "holiday house", "--data-dir", data])
        #expect(bad.status == 2 && bad.err.contains("invalid site holiday house"), "\(bad.err)")
        let none = try Binaries.run("downtime-collector", ["device", "site", "pi-1", "--data-dir", data])
        #expect(none.status == 2 && none.err.contains("give a site, or --clear"), "\(none.err)")
        let ghost = try Binaries.run("downtime-collector", ["device", "site", "ghost", "house", "--data-dir", data])
        #expect(ghost.status == 3 && ghost.err.contains("no device named ghost"), "\(ghost.err)")
        let set = try Binaries.run("downtime-collector", ["device", "site", "pi-1", "House", "--data-dir", data])
        #expect(set.status == 0 && set.out == "pi-1 is in site house.\n", "\(set.err)")
        let listed = try Binaries.run("downtime-collector", ["device", "list", "--data-dir", data])
        #expect(listed.out == "pi-1\tnew\tlast beat never\tsite house\n", "\(listed.out)")
        let cleared = try Binaries.run("downtime-collector", ["device", "site", "pi-1", "--clear", "--data-dir", data])
        #expect(cleared.status == 0 && cleared.out == "pi-1 is in site default.\n", "\(cleared.err)")
        let after = try Binaries.run("downtime-collector", ["device", "list", "--data-dir", data])
        #expect(after.out == "pi-1\tnew\tlast beat never\n", "\(after.out)")
    }

    @Test func threeAgentsOfASiteCutTogetherAreOnePowerCut() throws {
        var fleet = try Fleet()
        let receiver = try WebhookReceiver()
        defer { fleet.remove() }
        // The incident goes to MQTT too (issue #29: `downtime/incident`, retained).
        let broker = try MosquittoBroker()
        let collector = try CollectorProcess(
            dataDir: fleet.data,
            env: [
                "DOWNTIME_NOTIFY": "hook=webhook http://127.0.0.1:\(receiver.port)/hook",
                "DOWNTIME_MQTT_URL": "mqtt://\(broker.user):\(broker.password)@127.0.0.1:\(broker.port)",
            ])
        for name in fleet.tokens.keys.sorted() { try fleet.start(name, collector: collector.url) }
        eventually(20, "every device up") {
            try Curl.get("\(collector.url)/api/v1/devices", as: DeviceList.self).devices.allSatisfy { $0.status == .up }
        }
        sleep(2) // persisted at least once
        try fleet.cut(Self.cutDevices)
        // Back within the down threshold (3 × 1 s + 5 s): the collector records no flip, the agents report.
        sleep(3)
        for name in Self.cutDevices { try fleet.start(name, collector: collector.url) }
        try checkOneIncident(collector.url, receiver: receiver, collectorDown: false)
        // The export, while the server runs: the same incident as the API.
        let id = try #require(try incidents(collector.url).first?["id"] as? String)
        let json = try Binaries.run(
            "downtime-collector", ["export", "--incidents", "--format", "json", "--data-dir", fleet.data])
        #expect(json.status == 0 && json.out.contains("\"id\":\"\(id)\"") && json.out.contains("\"next\":null"))
        let csv = try Binaries.run("downtime-collector", ["export", "--incidents", "--data-dir", fleet.data])
        let rows = csv.out.split(separator: "\n")
        #expect(rows.first == "id,kind,site,start,end,duration_s,devices,unaffected,collector_down")
        #expect(rows.count == 2 && rows.last?.hasPrefix("\(id),power_cut,house,") == true, "\(csv.out)")
        #expect(rows.last?.hasSuffix(",house-4,false") == true, "\(csv.out)")
        #expect(
            try Curl.request("GET", "\(collector.url)/metrics").body.contains(
                "downtime_incidents_total{kind=\"power_cut\"} 1"))
        // Within the bridge's 10 s refresh: the newest incident, retained, as the API gives it.
        var mqtt: [String: Any]?
        eventually(15, "the incident retained on downtime/incident") {
            let watch = try MQTTWatch(broker, topic: "downtime/incident")
            Thread.sleep(forTimeInterval: 0.5)
            mqtt = watch.retained("downtime/incident").flatMap { _ in watch.json("downtime/incident") }
            return mqtt?["id"] as? String == id
        }
        #expect(mqtt?["kind"] as? String == "power_cut" && mqtt?["site"] as? String == "house")
        #expect((mqtt?["devices"] as? [[String: Any]])?.count == Self.cutDevices.count)
    }

    /// Issue #26: a grid flicker (the power goes, comes back for about 15 s, goes again) is two power cuts, each with
    /// all its devices and its own start, and two messages.
    @Test func aFlickerIsTwoPowerCutsAndTwoMessages() throws {
        var fleet = try Fleet()
        let receiver = try WebhookReceiver()
        defer { fleet.remove() }
        let env = [
            "DOWNTIME_NOTIFY": "hook=webhook http://127.0.0.1:\(receiver.port)/hook",
            // Each incident's message is due 5 s after it stops changing, not 30 s.
            "DOWNTIME_NOTIFY_SETTLE": "5",
        ]
        let collector = try CollectorProcess(dataDir: fleet.data, env: env)
        for name in fleet.tokens.keys.sorted() { try fleet.start(name, collector: collector.url) }
        eventually(20, "every device up") {
            try Curl.get("\(collector.url)/api/v1/devices", as: DeviceList.self).devices.allSatisfy { $0.status == .up }
        }
        sleep(2) // persisted at least once
        func members(_ incident: [String: Any]) -> Set<String> {
            Set((incident["devices"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? [])
        }
        try fleet.cut(Self.cutDevices)
        // Back within the down threshold (3 × 1 s + 5 s), as in the single cut.
        sleep(3)
        for name in Self.cutDevices { try fleet.start(name, collector: collector.url) }
        let back = Date()
        eventually(40, "the first cut's incident with the three") {
            let list = try incidents(collector.url)
            return list.count == 1 && members(list[0]) == Set(Self.cutDevices)
        }
        // On for about 15 s (the agents persist every second meanwhile), then the second cut.
        let left = back.timeIntervalSinceNow + 15
        if left > 0 { usleep(UInt32(left * 1_000_000)) }
        try fleet.cut(Self.cutDevices)
        sleep(3)
        for name in Self.cutDevices { try fleet.start(name, collector: collector.url) }
        eventually(40, "two power cut incidents with the three each") {
            let list = try incidents(collector.url)
            return list.count == 2 && list.allSatisfy { members($0) == Set(Self.cutDevices) }
        }
        let list = try incidents(collector.url)
        #expect(list.count == 2, "\(list)")
        #expect(list.allSatisfy { $0["kind"] as? String == "power_cut" && $0["site"] as? String == "house" })
        #expect(list.allSatisfy { members($0) == Set(Self.cutDevices) }, "\(list)")
        let ids = list.compactMap { $0["id"] as? String }
        #expect(ids.count == 2 && Set(ids).count == 2, "\(ids)")
        // Newest first; each its own start, the second at least the 15 s of light after the first.
        let starts = list.compactMap { ($0["start"] as? String).flatMap(WireTime.parse) }
        #expect(starts.count == 2 && starts[0].timeIntervalSince(starts[1]) >= 10, "\(list)")
        func incidentMessages() -> [String] { receiver.lines.filter { $0.contains("\"event\":\"incident\"") } }
        eventually(30, "two incident messages") { incidentMessages().count == 2 }
        // Past the settle time of anything still held (an update, an up waiting for its report).
        sleep(7)
        let messages = receiver.lines.filter { !$0.contains("\"event\":\"new\"") }
        #expect(incidentMessages().count == 2 && messages.count == 2, "\(messages)")
        for message in incidentMessages() {
            #expect(message.contains("Power cut at house"), "\(message)")
            #expect(Self.cutDevices.allSatisfy { message.contains($0) }, "\(message)")
        }
    }

    @Test func theCollectorCutWithThemSaysSo() throws {
        var fleet = try Fleet()
        let receiver = try WebhookReceiver()
        defer { fleet.remove() }
        // A fixed port: the agents find the collector again after its restart.
        let env = [
            "DOWNTIME_NOTIFY": "hook=webhook http://127.0.0.1:\(receiver.port)/hook", "DOWNTIME_SITE": "house",
            "DOWNTIME_PORT": "\(freeLoopbackPort())",
        ]
        var collector = try CollectorProcess(dataDir: fleet.data, env: env, viaEnvironment: true)
        let url = collector.url
        for name in fleet.tokens.keys.sorted() { try fleet.start(name, collector: url) }
        eventually(20, "every device up") {
            try Curl.get("\(url)/api/v1/devices", as: DeviceList.self).devices.allSatisfy { $0.status == .up }
        }
        sleep(3) // persisted, and the collector's alive mark written
        collector.stop(SIGKILL)
        try fleet.cut(Self.cutDevices)
        sleep(4)
        for name in Self.cutDevices { try fleet.start(name, collector: url) }
        collector = try CollectorProcess(dataDir: fleet.data, env: env, viaEnvironment: true)
        #expect(collector.url == url)
        try checkOneIncident(url, receiver: receiver, collectorDown: true)
        // Stored once across another restart.
        collector.stop(SIGTERM)
        collector = try CollectorProcess(dataDir: fleet.data, env: env, viaEnvironment: true)
        sleep(4)
        #expect(try incidents(url).count == 1)
    }

    @Test func aLinkCutForTwoAgentsOfASiteIsOneNetworkIncidentAndNoDowntime() throws {
        var fleet = try Fleet()
        let receiver = try WebhookReceiver()
        defer { fleet.remove() }
        let env = [
            "DOWNTIME_NOTIFY": "hook=webhook http://127.0.0.1:\(receiver.port)/hook",
            // Held ups are due 5 s after the link is back: the test sees whether the incident replaced them.
            "DOWNTIME_NOTIFY_SETTLE": "5",
        ]
        let collector = try CollectorProcess(dataDir: fleet.data, env: env)
        let proxy = try LinkProxy(port: freeLoopbackPort(), target: collector.port)
        let behind = ["house-1", "house-2"]
        for name in fleet.tokens.keys.sorted() {
            try fleet.start(name, collector: behind.contains(name) ? "http://127.0.0.1:\(proxy.port)" : collector.url)
        }
        eventually(20, "every device up") {
            try Curl.get("\(collector.url)/api/v1/devices", as: DeviceList.self).devices.allSatisfy { $0.status == .up }
        }
        sleep(3) // every device known for a while before the link goes
        proxy.cut()
        // Down at the collector after 3 missed beats and the grace (8 s), while the agents keep running.
        eventually(20, "the two down") {
            try behind.allSatisfy {
                try Curl.get("\(collector.url)/api/v1/devices/\($0)", as: DeviceView.self).status == .down
            }
        }
        // Past the group window (10 s): the site's grouped down message is sent before the link is back.
        eventually(20, "the site's grouped down message") {
            receiver.lines.contains { $0.contains("2 devices of house down") }
        }
        try proxy.start()
        eventually(40, "one network incident with the two") {
            let list = try incidents(collector.url)
            let names = (list.first?["devices"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
            return list.count == 1 && Set(names) == Set(behind)
        }
        let incident = try #require(try incidents(collector.url).first)
        #expect(incident["kind"] as? String == "network")
        #expect(incident["site"] as? String == "house")
        let log4 = try Curl.request("GET", "\(collector.url)/api/v1/devices/house-4/events").body
        #expect(incident["unaffected"] as? [String] == ["house-3", "house-4"], "\(incident) \(log4)")
        #expect(incident["collector_down"] as? Bool == false)
        for name in behind {
            let view = try Curl.get("\(collector.url)/api/v1/devices/\(name)", as: DeviceView.self)
            #expect(view.status == .up)
            #expect(view.lastOutage?.cause == .network)
            // Not counted as downtime.
            #expect(view.uptime.day == 1, "\(name): \(view.uptime)")
        }
        eventually(20, "the incident's message") { receiver.lines.contains { $0.contains("\"event\":\"incident\"") } }
        sleep(7) // past the settle time of the held ups
        let messages = receiver.lines.filter { !$0.contains("\"event\":\"new\"") }
        // One grouped down for the site, then the incident; no up message of the two.
        #expect(messages.count == 2, "\(messages)")
        #expect(messages.first?.contains("2 devices of house down") == true, "\(messages)")
        #expect(messages.last?.contains("house unreachable") == true, "\(messages)")
    }
}
