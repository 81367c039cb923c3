import DowntimeProtocol
import Foundation
import Testing

/// Issue #30's service checks with the real agent and collector: tcp and http against local servers the test
/// starts and stops, `command` with scripts that pass, fail and hang past their timeout, `disk` on a small tmpfs the
/// test fills. Each failing check shows on the overview (HTML and API) within one check period plus one interval,
/// sends exactly one message, and recovers the same way.
@Suite(.serialized) struct ServiceCheckEndToEndTests {
    /// A collector telling a webhook, and one device whose agent runs `checks` (interval 1 s, checks every 1 s).
    final class Rig {
        let data: String
        let token: String
        let receiver: WebhookReceiver
        let collector: CollectorProcess
        let sandbox: AgentSandbox
        var agent: AgentProcess?
        let device = "pi-checks"

        init(checks: [String]) throws {
            data = try Binaries.tempDir("checks")
            let add = try Binaries.run("downtime-collector", ["device", "add", device, "--data-dir", data])
            token = String(add.out.split(separator: "\n").last ?? "")
            receiver = try WebhookReceiver()
            let env = [
                "DOWNTIME_NOTIFY": "hook=webhook http://127.0.0.1:\(receiver.port)/hook", "DOWNTIME_MISSES": "3",
                "DOWNTIME_GRACE": "2", "DOWNTIME_NOTIFY_SETTLE": "1", "DOWNTIME_NOTIFY_DAMP_MINUTES": "0",
            ]
            collector = try CollectorProcess(dataDir: data, env: env)
            sandbox = try AgentSandbox()
            _ = try sandbox.boot(uptime: 1000)
            agent = try AgentProcess(
                collector: collector.url, device: device, token: token, sandbox: sandbox,
                extraArgs: checks.flatMap { ["--check", $0 + " every=1s"] })
        }

        func view() throws -> DeviceView {
            try Curl.get("\(collector.url)/api/v1/devices/\(device)", as: DeviceView.self)
        }

        func state(_ check: String) throws -> CheckState? { try view().checks.first { $0.name == check }?.state }

        /// The overview's page filtered to failing checks says "up · N check(s) failing" for the device, and the API's
        /// list has `failing` of its checks failing (0: neither names it as failing).
        func overviewShows(failing n: Int) throws -> Bool {
            let html = try Curl.request("GET", "\(collector.url)/?checks=failing").body
            let list = try Curl.get("\(collector.url)/api/v1/devices", as: DeviceList.self).devices
            let mine = list.first { $0.name == device }?.checks.filter { $0.state == .failing }.count
            guard n > 0 else { return !html.contains(">\(device)<") && mine == 0 }
            let words = n == 1 ? "1 check failing" : "\(n) checks failing"
            return html.contains(words) && html.contains(">\(device)<") && mine == n
        }

        /// The webhook bodies of `kind` about `check`.
        func messages(_ kind: String, _ check: String) -> [String] {
            receiver.lines.filter { $0.contains("\"event\":\"\(kind)\"") && $0.contains("check \(check)") }
        }

        /// Waits until every check has run once and is `expected`.
        func settled(_ expected: [String: CheckState]) {
            eventually(15, "checks \(expected)") {
                try expected.allSatisfy { try state($0.key) == $0.value }
            }
        }

        /// `check` goes failing by `breakIt`, shows as failing on the overview within one check period plus one
        /// interval (2 s, with 1.5 s for the processes' own work), is told once; `fixIt` brings it back, told once.
        /// `others` checks fail all along.
        func failsAndRecovers(
            _ check: String, others: Int = 0, breakIt: () throws -> Void, fixIt: () throws -> Void
        ) throws {
            try breakIt()
            eventually(3.5, "\(check) failing on the API and the overview") {
                try state(check) == .failing && overviewShows(failing: others + 1)
            }
            eventually(5, "the failing message of \(check)") { messages("check_failing", check).count == 1 }
            try fixIt()
            eventually(3.5, "\(check) ok again") { try state(check) == .ok && overviewShows(failing: others) }
            eventually(5, "the recovery message of \(check)") { messages("check_ok", check).count == 1 }
            Thread.sleep(forTimeInterval: 2)
            #expect(messages("check_failing", check).count == 1, "\(receiver.lines)")
            #expect(messages("check_ok", check).count == 1, "\(receiver.lines)")
        }

        deinit {
            agent?.stop(SIGKILL)
            collector.stop()
            sandbox.remove()
            try? FileManager.default.removeItem(atPath: data)
        }
    }

    /// A local server (python3) on `port`: `http` answers 200 "fine" to any GET, `tcp` accepts and closes.
    final class LocalServer {
        let process = Process()

        init(_ kind: String, port: Int) throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            let script =
                kind == "http"
                ? """
                import http.server
                class H(http.server.BaseHTTPRequestHandler):
                    def do_GET(self):
                        self.send_response(200); self.end_headers(); self.wfile.write(b"fine")
                    def log_message(self, *a): pass
                http.server.ThreadingHTTPServer.allow_reuse_address = True
                http.server.ThreadingHTTPServer(('127.0.0.1', \(port)), H).serve_forever()
                """
                : """
                import socket
                s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(('127.0.0.1', \(port))); s.listen(16)
                while True:
                    c, _ = s.accept(); c.close()
                """
            process.arguments = ["-c", script]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Listening once a connection is taken.
            eventually(5, "\(kind) server on \(port)") { Self.accepts(port) }
        }

        static func accepts(_ port: Int) -> Bool {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(port).bigEndian)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            return withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
        }

        func stop() {
            guard process.isRunning else { return }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        deinit { stop() }
    }

    @Test func tcpAndHTTPAgainstLocalServers() throws {
        let (httpPort, tcpPort) = (freeLoopbackPort(), freeLoopbackPort())
        var http = try LocalServer("http", port: httpPort)
        var tcp = try LocalServer("tcp", port: tcpPort)
        let rig = try Rig(checks: [
            "web=http:http://127.0.0.1:\(httpPort)/ contains=fine timeout=1s", "db=tcp:127.0.0.1:\(tcpPort) timeout=1s",
        ])
        rig.settled(["web": .ok, "db": .ok])
        #expect(try rig.overviewShows(failing: 0))
        try rig.failsAndRecovers(
            "web", breakIt: { http.stop() }, fixIt: { http = try LocalServer("http", port: httpPort) })
        try rig.failsAndRecovers("db", breakIt: { tcp.stop() }, fixIt: { tcp = try LocalServer("tcp", port: tcpPort) })
        // Both in the device's log, with the detail of the run.
        let log = try Curl.request("GET", "\(rig.collector.url)/devices/\(rig.device)/log.txt").body
        #expect(log.contains("check web: ok -> failing") && log.contains("check db: failing -> ok"), "\(log)")
        // The `log` command and `export` (CSV, JSON) show them too; the device page draws each check's 30 days.
        let cli = try Binaries.run("downtime-collector", ["log", rig.device, "--data-dir", rig.data])
        #expect(cli.status == 0 && cli.out.contains("check db: ok -> failing"), "\(cli.out)")
        let csv = try Binaries.run("downtime-collector", ["export", "--format", "csv", "--data-dir", rig.data])
        #expect(csv.out.contains(",\(rig.device),check,"))
        let json = try Binaries.run("downtime-collector", ["export", "--format", "json", "--data-dir", rig.data])
        let exported = try WireCoding.decoder().decode(EventList.self, from: Data(json.out.utf8)).events
        let failings = exported.compactMap { e -> String? in
            guard case .check(let c) = e.payload, c.to == .failing else { return nil }
            return c.name
        }
        #expect(failings.sorted() == ["db", "web"], "\(exported)")
        let page = try Curl.request("GET", "\(rig.collector.url)/devices/\(rig.device)").body
        #expect(page.contains(">Checks<") && page.components(separatedBy: "Last 30 days").count == 3)
        let overview = try Curl.request("GET", "\(rig.collector.url)/?checks=failing").body
        try expectValidHTML([("device.html", page), ("overview.html", overview)])
        http.stop()
        tcp.stop()
    }

    @Test func commandsThatPassFailAndHang() throws {
        let dir = try Binaries.tempDir("scripts")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let flag = dir + "/broken"
        func script(_ name: String, _ body: String) throws -> String {
            let path = "\(dir)/\(name)"
            try "#!/bin/sh\n\(body)\n".write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
            return path
        }
        let pass = try script("pass", "echo all good")
        let fail = try script("fail", "echo backup is 3 days old; exit 3")
        // 8 s is far past its timeout; short, because the run under way when the agent is killed at the end outlives it
        // and holds a descriptor the agent's Process inherited (the test would wait for it).
        let hang = try script("hang", "sleep 8")
        let toggle = try script("toggle", "if [ -e \(flag) ]; then echo broken; exit 1; fi; echo fine")
        let rig = try Rig(checks: [
            "pass=command:\(pass)", "old=command:\(fail) notify=no", "hang=command:\(hang) timeout=500ms",
            "svc=command:\(toggle) timeout=2s",
        ])
        rig.settled(["pass": .ok, "old": .failing, "hang": .failing, "svc": .ok])
        let checks = try rig.view().checks
        #expect(checks.first { $0.name == "pass" }?.detail == "all good")
        #expect(checks.first { $0.name == "old" }?.detail == "exit 3: backup is 3 days old")
        #expect(
            checks.first { $0.name == "old" }?.notify == false && checks.first { $0.name == "pass" }?.notify == true)
        #expect(checks.first { $0.name == "hang" }?.detail.hasPrefix("timed out after") == true)
        // The hanging check is told once; the failing one set notify=no never is.
        eventually(5, "the hanging check's message") { rig.messages("check_failing", "hang").count == 1 }
        try rig.failsAndRecovers(
            "svc", others: 2, breakIt: { _ = FileManager.default.createFile(atPath: flag, contents: nil) },
            fixIt: { try FileManager.default.removeItem(atPath: flag) })
        #expect(rig.messages("check_failing", "old").isEmpty && rig.messages("check_ok", "old").isEmpty)
        #expect(rig.messages("check_failing", "hang").count == 1)
        // A beat is never held up by the hanging check: the device stayed up all along.
        #expect(try rig.view().status == .up && rig.receiver.lines.allSatisfy { !$0.contains("\"event\":\"down\"") })
        // The device down: its checks are unknown, and its down message is the only one (none per check).
        let told = rig.receiver.lines.count
        rig.agent?.stop(SIGKILL)
        eventually(15, "the device down with its checks unknown") {
            let view = try rig.view()
            return view.status == .down && view.checks.allSatisfy { $0.state == .unknown }
        }
        eventually(15, "the down message (after its group window)") { rig.receiver.lines.count > told }
        Thread.sleep(forTimeInterval: 2)
        let after = rig.receiver.lines.dropFirst(told)
        #expect(after.count == 1 && after.first?.contains("\"event\":\"down\"") == true, "\(after)")
        #expect(try rig.overviewShows(failing: 0))
    }

    @Test func diskOnASmallTmpfs() throws {
        let mount = try Binaries.tempDir("tmpfs")
        defer { try? FileManager.default.removeItem(atPath: mount) }
        let mounted = try Binaries.run("/bin/mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", mount])
        try #require(mounted.status == 0, "mount -t tmpfs needs root: \(mounted.err)")
        defer { _ = try? Binaries.run("/bin/umount", ["-l", mount]) }
        let rig = try Rig(checks: ["scratch=disk:\(mount):50%"])
        rig.settled(["scratch": .ok])
        let filler = mount + "/filler"
        try rig.failsAndRecovers(
            "scratch",
            breakIt: { try Data(count: 3 * 1024 * 1024).write(to: URL(fileURLWithPath: filler)) },
            fixIt: { try FileManager.default.removeItem(atPath: filler) })
        #expect(try rig.view().checks.first?.detail.contains("%") == true)
    }
}
