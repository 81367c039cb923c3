import DowntimeProtocol
import Foundation
import Testing

/// The pages at a glance (issue #34), end to end with the real binaries and real agents: a power cut at home, three
/// Pis die together, two come back with new boots, the third stays dark, the NAS keeps beating. Then the API, the
/// message, the overview and the device and incident pages in Chromium (axe-core, the Nu checker, a phone's width).
/// With `DOWNTIME_SCREENSHOTS=1` (`make screenshots`) the desktop screenshots are written to `docs/screenshots/`,
/// the README's pictures.
@Suite(.serialized) struct PagesAtAGlanceEndToEndTests {
    static let pis = ["pi-kitchen", "pi-garage", "pi-shed"]

    static func json(_ url: String) throws -> [String: Any] {
        let r = try Curl.request("GET", url)
        return (try JSONSerialization.jsonObject(with: Data(r.body.utf8)) as? [String: Any]) ?? [:]
    }

    static func incidents(_ url: String) throws -> [[String: Any]] {
        try json("\(url)/api/v1/incidents")["incidents"] as? [[String: Any]] ?? []
    }

    static func members(_ incident: [String: Any]) -> [String: String] {
        var out: [String: String] = [:]
        for m in incident["devices"] as? [[String: Any]] ?? [] {
            if let name = m["name"] as? String { out[name] = m["state"] as? String }
        }
        return out
    }

    /// The row of `name` in the overview's HTML.
    static func row(_ name: String, in html: String) -> String? {
        guard let start = html.range(of: "<tr data-name=\"\(name)\"") else { return nil }
        let rest = html[start.lowerBound...]
        guard let end = rest.range(of: "</tr>") else { return nil }
        return String(rest[..<end.upperBound])
    }

    @Test func aPowerCutWithOneDeviceThatStaysDarkIsShownTrue() throws {
        let data = try Binaries.tempDir("glance")
        let receiver = try WebhookReceiver()
        var tokens: [String: String] = [:]
        var sandboxes: [String: AgentSandbox] = [:]
        var agents: [String: AgentProcess] = [:]
        defer {
            for a in agents.values { a.stop(SIGKILL) }
            for s in sandboxes.values { s.remove() }
            try? FileManager.default.removeItem(atPath: data)
        }
        for name in Self.pis + ["nas"] {
            let add = try Binaries.run("downtime-collector", ["device", "add", name, "--data-dir", data])
            tokens[name] = String(add.out.split(separator: "\n").last ?? "")
            #expect(
                try Binaries.run("downtime-collector", ["device", "site", name, "home", "--data-dir", data]).status == 0
            )
            let sandbox = try AgentSandbox()
            _ = try sandbox.boot(uptime: 1000)
            sandboxes[name] = sandbox
        }
        let collector = try CollectorProcess(
            dataDir: data,
            env: [
                "DOWNTIME_NOTIFY": "hook=webhook http://127.0.0.1:\(receiver.port)/hook", "DOWNTIME_NOTIFY_SETTLE": "5",
            ])
        let url = collector.url
        func start(_ name: String) throws {
            agents[name] = try AgentProcess(
                collector: url, device: name, token: tokens[name]!, sandbox: sandboxes[name]!, interval: 1, persist: 1)
        }
        for name in Self.pis + ["nas"] { try start(name) }
        eventually(20, "every device up") {
            try Curl.get("\(url)/api/v1/devices", as: DeviceList.self).devices.allSatisfy { $0.status == .up }
        }
        sleep(2) // persisted at least once
        // The cut: the three die where they are; two boot again, pi-shed's supply died.
        for name in Self.pis { agents[name]?.stop(SIGKILL) }
        eventually(20, "the three down") {
            try Self.pis.allSatisfy { try Curl.get("\(url)/api/v1/devices/\($0)", as: DeviceView.self).status == .down }
        }
        // The power is back: two boot (new boot ids, up for a second when their agents start).
        for name in ["pi-kitchen", "pi-garage"] { _ = try sandboxes[name]!.boot(uptime: 1) }
        for name in ["pi-kitchen", "pi-garage"] { try start(name) }

        // The incident has pi-shed, still down, and stays open.
        eventually(40, "a power cut with the three, pi-shed still down") {
            guard let i = try Self.incidents(url).first else { return false }
            return Self.members(i) == ["pi-kitchen": "back", "pi-garage": "back", "pi-shed": "still_down"]
        }
        let incident = try #require(try Self.incidents(url).first)
        #expect(incident["ongoing"] as? Bool == true && incident["end"] is NSNull, "\(incident)")
        #expect(incident["unaffected"] as? [String] == ["nas"])
        let id = try #require(incident["id"] as? String)
        #expect(
            try Curl.request("GET", "\(url)/metrics").body.contains("downtime_incidents_open{kind=\"power_cut\"} 1"))
        eventually(30, "the incident's message") { receiver.lines.contains { $0.contains("\"event\":\"incident\"") } }
        let message = receiver.lines.first { $0.contains("\"event\":\"incident\"") } ?? ""
        #expect(message.contains("pi-shed still down") && message.contains("nas stayed up"), "\(message)")

        // The overview: no flapping for one outage; the down row says since when; the day cells carry figures.
        eventually(20, "pi-kitchen back up") {
            try Curl.get("\(url)/api/v1/devices/pi-kitchen", as: DeviceView.self).status == .up
        }
        let overview = try BrowserEndToEndTests.chromium(["--dump-dom", "\(url)/"])
        for name in ["pi-kitchen", "pi-garage"] {
            let row = try #require(Self.row(name, in: overview), "no row for \(name)")
            #expect(!row.contains("flapping"), "\(row)")
            #expect(row.contains("role=\"img\"") && row.contains(": down ") && row.contains("in 1 outage"), "\(row)")
            #expect(row.contains("since added"), "a device known for a minute says so: \(row)")
        }
        let shed = try #require(Self.row("pi-shed", in: overview))
        #expect(shed.contains("now: ") && shed.contains("since") && shed.contains("cause not known yet"), "\(shed)")
        #expect(!shed.contains(">none<"), "\(shed)")
        #expect(overview.contains("Fleet uptime 24 h"), "the fleet's figures")
        #expect(overview.contains("/incidents/\(id)"))
        let incidentPage = try Curl.request("GET", "\(url)/incidents/\(id)").body
        #expect(incidentPage.contains("Ongoing: pi-shed still down") && incidentPage.contains("still down"))
        let device = try Curl.request("GET", "\(url)/devices/pi-kitchen").body
        #expect(device.contains("Last 24 hours") && device.contains("<svg class=\"tl\""))

        // The Nu checker: no error and no warning on the three pages.
        try expectValidHTML([
            ("overview.html", try Curl.request("GET", "\(url)/").body), ("incident.html", incidentPage),
            ("device.html", device),
        ])

        // Chromium through selenium: a phone's width, axe-core, focus on a day cell, screenshots.
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fixtures/glance_check.py").path
        let r = try Binaries.run(
            "/usr/bin/env", ["python3", script, url, "pi-kitchen", id, BrowserEndToEndTests.artifacts])
        #expect(r.status == 0 && r.out.contains("glance: OK"), "glance_check.py:\n\(r.out)\n\(r.err.suffix(3000))")
        for what in ["the overview", "the device page", "the incident page"] {
            #expect(r.out.contains("ok: axe-core on \(what): 0 violations"), "\(r.out)")
        }
        if ProcessInfo.processInfo.environment["DOWNTIME_SCREENSHOTS"] == "1" {
            let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("docs/screenshots")
            try FileManager.default.createDirectory(at: docs, withIntermediateDirectories: true)
            for (from, to) in [("glance-overview.png", "overview.png"), ("glance-device.png", "device.png")] {
                let target = docs.appendingPathComponent(to)
                try? FileManager.default.removeItem(at: target)
                try FileManager.default.copyItem(
                    atPath: "\(BrowserEndToEndTests.artifacts)/\(from)", toPath: target.path)
            }
        }
    }
}
