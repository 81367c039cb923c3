import DowntimeProtocol
import Foundation
import Testing

@Suite(.serialized) struct CollectorEndToEndTests {
    @Test func cliAddsADeviceCurlBeatsAndTheAPIShowsIt() throws {
        let data = try Binaries.tempDir("collector")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let add = try Binaries.run("downtime-collector", ["device", "add", "Pi-Kitchen", "--data-dir", data])
        #expect(add.status == 0, "\(add.err)")
        let token = String(add.out.split(separator: "\n").last ?? "")
        #expect(token.hasPrefix("dtm_") && token.count == 47)

        let collector = try CollectorProcess(dataDir: data)
        let beat = """
            {"device":"pi-kitchen","seq":1,"boot_id":"0b5d7a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b","uptime_s":12,
            "sent_at":"\(WireTime.format(Date()))","clock_synced":true,"interval_s":10,"agent_version":"e2e"}
            """
        let r = try Curl.request("POST", "\(collector.url)/api/v1/heartbeat", json: beat, token: token)
        #expect(r.status == 200, "\(r.body)")
        let list = try Curl.get("\(collector.url)/api/v1/devices", as: DeviceList.self)
        #expect(list.devices.map(\.name) == ["pi-kitchen"])
        #expect(list.devices.first?.status == .up && list.devices.first?.agentVersion == "e2e")

        let wrong = try Curl.request("POST", "\(collector.url)/api/v1/heartbeat", json: beat, token: "dtm_nope")
        #expect(wrong.status == 401 && wrong.body.contains("\"error\""))

        // A clean stop flushes the beat; the CLI then sees it and the log.
        collector.stop(SIGTERM)
        #expect(collector.process.terminationStatus == 0, "\(collector.output)")
        let list2 = try Binaries.run("downtime-collector", ["device", "list", "--data-dir", data])
        #expect(list2.out.contains("pi-kitchen\tup\tlast beat 20"))
        let log = try Binaries.run("downtime-collector", ["log", "pi-kitchen", "--data-dir", data])
        #expect(log.status == 0 && log.out.contains("flip new -> up: first heartbeat"))
        let csv = try Binaries.run("downtime-collector", ["export", "--format", "csv", "--data-dir", data])
        #expect(csv.out.hasPrefix("time,device,kind,id,detail\n") && csv.out.contains(",pi-kitchen,flip,"))
        let json = try Binaries.run("downtime-collector", ["export", "--format", "json", "--data-dir", data])
        let exported = try WireCoding.decoder().decode(EventList.self, from: Data(json.out.utf8))
        #expect(exported.events.count == 1)
    }

    @Test func cliRefusesBadInputWithOneLineAndCode() throws {
        let data = try Binaries.tempDir("cli")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let bad = try Binaries.run("downtime-collector", ["device", "add", "../etc", "--data-dir", data])
        #expect(bad.status == 2 && bad.err.contains("device name"))
        _ = try Binaries.run("downtime-collector", ["device", "add", "pi", "--data-dir", data])
        let dup = try Binaries.run("downtime-collector", ["device", "add", "pi", "--data-dir", data])
        #expect(dup.status == 2 && dup.err.contains("already exists"))
        let missing = try Binaries.run("downtime-collector", ["device", "remove", "ghost", "--data-dir", data])
        #expect(missing.status == 3)
        let port = try Binaries.run("downtime-collector", ["serve", "--port", "http", "--data-dir", data])
        #expect(port.status == 2 && port.err.contains("--port: must be a whole number"), "\(port.err)")
        let rm = try Binaries.run("downtime-collector", ["device", "remove", "pi", "--data-dir", data])
        #expect(rm.status == 0)
        let list = try Binaries.run("downtime-collector", ["device", "list", "--data-dir", data])
        #expect(list.out.isEmpty)
    }

    @Test func curlAndWgetPingsCountAsHeartbeats() throws {
        let data = try Binaries.tempDir("ping")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let token = String(
            try Binaries.run("downtime-collector", ["device", "add", "router", "--data-dir", data])
                .out.split(separator: "\n").last ?? "")
        #expect(
            try Binaries.run("downtime-collector", ["device", "interval", "router", "300", "--data-dir", data]).status
                == 0)
        #expect(
            try Binaries.run(
                "downtime-collector", ["device", "tag", "router", "Network", "basement", "--data-dir", data]
            ).status == 0)
        let collector = try CollectorProcess(dataDir: data)
        let curl = try Binaries.run("/usr/bin/curl", ["-fsS", "\(collector.url)/ping/\(token)"])
        #expect(curl.status == 0 && curl.out == "OK\n")
        let wget = try Binaries.run("/usr/bin/wget", ["-qO-", "\(collector.url)/ping/\(token)"])
        #expect(wget.status == 0 && wget.out == "OK\n")
        let view = try Curl.get("\(collector.url)/api/v1/devices/router", as: DeviceView.self)
        #expect(view.status == .up && view.intervalS == 300 && view.tags == ["network", "basement"])
        let fail = try Binaries.run("/usr/bin/curl", ["-fsS", "-X", "POST", "\(collector.url)/ping/\(token)/fail"])
        #expect(fail.out == "OK\n")
        #expect(try Curl.get("\(collector.url)/api/v1/devices/router", as: DeviceView.self).status == .down)
        let badge = try Curl.request("GET", "\(collector.url)/badge/router.svg")
        #expect(badge.status == 200 && badge.body.contains(">down</text>"))
        let unknown = try Binaries.run(
            "/usr/bin/curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "\(collector.url)/ping/dtm_x"])
        #expect(unknown.out == "404")
    }

    @Test func maintenanceWindowsFromTheCLI() throws {
        let data = try Binaries.tempDir("maint")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let add = try Binaries.run(
            "downtime-collector", ["maintenance", "add", "all", "weekly", "sun", "02:00-04:00", "--data-dir", data])
        #expect(add.status == 0 && add.out.contains("Added window 1: all weekly sun 02:00-04:00"), "\(add.err)")
        let now = try Binaries.run("downtime-collector", ["maintenance", "now", "tag:lab", "2h", "--data-dir", data])
        #expect(now.status == 0 && now.out.contains("Added window 2: tag:lab once "))
        let bad = try Binaries.run(
            "downtime-collector", ["maintenance", "add", "all", "monthly", "1", "x", "--data-dir", data])
        #expect(bad.status == 2 && bad.err.contains("schedule must be once or weekly"))
        let list = try Binaries.run("downtime-collector", ["maintenance", "list", "--data-dir", data])
        #expect(list.out.split(separator: "\n").count == 2)
        #expect(try Binaries.run("downtime-collector", ["maintenance", "remove", "1", "--data-dir", data]).status == 0)
        #expect(try Binaries.run("downtime-collector", ["maintenance", "remove", "1", "--data-dir", data]).status == 3)
        #expect(
            try Binaries.run("downtime-collector", ["maintenance", "list", "--data-dir", data]).out.split(
                separator: "\n"
            ).count == 1)
    }

    @Test func notifyTestSendsThroughTheNamedChannel() throws {
        let data = try Binaries.tempDir("notify")
        defer { try? FileManager.default.removeItem(atPath: data) }
        // A one-request HTTP receiver that prints what it got.
        let receiver = Process()
        receiver.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        receiver.arguments = [
            "-c",
            """
            import http.server, sys
            class H(http.server.BaseHTTPRequestHandler):
                def do_POST(self):
                    body = self.rfile.read(int(self.headers['Content-Length']))
                    self.send_response(200); self.end_headers()
                    print(self.path, body.decode(), flush=True)
                def log_message(self, *a): pass
            s = http.server.HTTPServer(('127.0.0.1', 0), H)
            print(s.server_address[1], flush=True)
            s.handle_request()
            """,
        ]
        let out = Pipe()
        receiver.standardOutput = out
        try receiver.run()
        defer { receiver.terminate() }
        let port = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let config = "\(data)/collector.env"
        try "DOWNTIME_NOTIFY=team=slack http://127.0.0.1:\(port)/slack; bad=webhook http://127.0.0.1:9/x\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let list = try Binaries.run("downtime-collector", ["notify", "list", "--config", config, "--data-dir", data])
        #expect(list.out == "team\tslack\thttp://127.0.0.1:\(port)/slack\nbad\twebhook\thttp://127.0.0.1:9/x\n")
        let sent = try Binaries.run(
            "downtime-collector", ["notify", "test", "team", "--config", config, "--data-dir", data])
        #expect(sent.status == 0 && sent.out.contains("Sent through team (status 200)"), "\(sent.out) \(sent.err)")
        receiver.waitUntilExit()
        let got = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(got.contains("/slack {\"text\":\"*DowntimeMon test*"))
        let failed = try Binaries.run(
            "downtime-collector", ["notify", "test", "bad", "--config", config, "--data-dir", data])
        #expect(failed.status == 1 && failed.out.contains("failed"))
        let unknown = try Binaries.run(
            "downtime-collector", ["notify", "test", "nope", "--config", config, "--data-dir", data])
        #expect(unknown.status == 3 && unknown.err.contains("configured: team, bad"))
    }
}
