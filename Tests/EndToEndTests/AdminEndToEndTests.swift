import DowntimeProtocol
import Foundation
import Testing

/// The admin pages of the real collector binary, driven with curl as a browser would (cookie jar, Origin):
/// `admin set-password`, log in, add a device, run its shell-reporter lines from the page on loopback so it
/// turns up, pause, maintenance, a new token (the old one gets 401), remove.
@Suite(.serialized) struct AdminEndToEndTests {
    static let password = "correct horse battery"

    /// Runs a shell line (for a pipe into standard input).
    static func sh(_ line: String, env: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        try Binaries.run("/bin/sh", ["-c", line], env: env)
    }

    static func quoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// The texts of the page's `<pre><code>` blocks, unescaped.
    static func codeBlocks(_ html: String) -> [String] {
        html.components(separatedBy: "<pre><code>").dropFirst().map { block in
            String(block.prefix { $0 != "<" }).replacingOccurrences(of: "&#39;", with: "'")
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
                .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        }
    }

    @Test func setPasswordReadsItTwiceFromAPipe() throws {
        let bin = Self.quoted(Binaries.path("downtime-collector"))
        let ok = try Self.sh("printf 'correct horse battery\\ncorrect horse battery\\n' | \(bin) admin set-password")
        #expect(ok.status == 0, "\(ok.err)")
        let line = ok.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(line.hasPrefix("DOWNTIME_ADMIN_PASSWORD_HASH=$2b$12$") && line.count == 29 + 60)
        #expect(!ok.out.contains("correct horse"))
        let differ = try Self.sh(
            "printf 'correct horse battery\\ncorrect horse batteri\\n' "
                + "| \(bin) admin set-password")
        #expect(differ.status == 2 && differ.err.contains("the two passwords differ") && differ.out.isEmpty)
        let once = try Self.sh("printf 'correct horse battery\\n' | \(bin) admin set-password")
        #expect(once.status == 2 && once.err.contains("twice"))
    }

    /// The hash `admin set-password` prints for `password`, fed twice through a pipe.
    static func passwordHash() throws -> String {
        let bin = quoted(Binaries.path("downtime-collector"))
        let made = try sh(
            "printf '%s\\n%s\\n' \(quoted(password)) \(quoted(password)) | \(bin) admin set-password")
        let hash = String(made.out.trimmingCharacters(in: .whitespacesAndNewlines).dropFirst(29))
        #expect(hash.count == 60)
        return hash
    }

    @Test func addRunPauseMaintainRenewRemoveFromThePages() throws {
        let data = try Binaries.tempDir("admin e2e")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let hash = try Self.passwordHash()
        let collector = try CollectorProcess(dataDir: data, env: ["DOWNTIME_ADMIN_PASSWORD_HASH": hash])
        let url = collector.url
        let jar = data + "/cookies.txt"

        /// curl as a browser of this collector's pages: status and body.
        func browse(_ method: String, _ path: String, form: [String] = [], origin: String? = nil)
            throws -> (status: Int, body: String)
        {
            var args = [
                "-sS", "-X", method, "-c", jar, "-b", jar, "-o", "-", "-w", "\n%{http_code}",
                "-H", "Origin: \(origin ?? url)",
            ]
            for field in form { args += ["--data-urlencode", field] }
            let r = try Binaries.run("/usr/bin/curl", args + [url + path])
            let lines = r.out.split(separator: "\n", omittingEmptySubsequences: false)
            return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
        }
        func status(_ name: String) throws -> DeviceStatus {
            try Curl.get("\(url)/api/v1/devices/\(name)", as: DeviceView.self).status
        }

        #expect(try browse("GET", "/admin").status == 303)
        #expect(try browse("POST", "/admin/login", form: ["password=wrong password"]).status == 401)
        #expect(try browse("POST", "/admin/login", form: ["password=\(Self.password)"]).status == 303)
        let list = try browse("GET", "/admin")
        #expect(list.status == 200)
        let csrf = try #require(
            list.body.range(of: #"name="csrf" value=""#).map {
                String(list.body[$0.upperBound...].prefix { $0 != "\"" })
            })

        let added = try browse("POST", "/admin/devices", form: ["csrf=\(csrf)", "name=sh-dev", "tags=lab"])
        #expect(added.status == 200)
        let blocks = Self.codeBlocks(added.body)
        let token = try #require(blocks.first)
        #expect(token.hasPrefix("dtm_"))
        let reporter = try #require(blocks.first { $0.hasPrefix("curl -fsS") })
        let lines = reporter.split(separator: "\n").map(String.init)
        #expect(lines.count == 2 && lines[0].contains("\(url)/install/downtime-report.sh"))

        // The page's two lines, as pasted on the device, installing under a scratch root (no systemctl, no sudo);
        // then the installed script run as its unit does (its EnvironmentFile), in one-shot mode.
        let home = data + "/device home"
        let root = data + "/device root"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        #expect(lines[1].hasPrefix("sudo env ") && lines[1].hasSuffix(" --install"))
        let install = String(lines[1].dropFirst(5))
        let run = try Self.sh(
            "cd \(Self.quoted(home)) && \(lines[0]) && \(install)",
            env: ["DOWNTIME_INSTALL_ROOT": root])
        #expect(run.status == 0, "\(run.err)")
        let served = try String(contentsOfFile: home + "/downtime-report.sh", encoding: .utf8)
        #expect(served == (try String(contentsOfFile: ShellReporterTests.script, encoding: .utf8)))
        let envFile = root + "/etc/downtime/report.env"
        let mode = try FileManager.default.attributesOfItem(atPath: envFile)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try String(contentsOfFile: envFile, encoding: .utf8).contains("DOWNTIME_TOKEN=\(token)"))
        let unit = try String(contentsOfFile: root + "/etc/systemd/system/downtime-report.service", encoding: .utf8)
        #expect(unit.contains("ExecStart=/bin/sh /usr/local/bin/downtime-report.sh"))
        let verified = try Binaries.run(
            "/usr/bin/systemd-analyze",
            ["verify", root + "/etc/systemd/system/downtime-report.service"])
        #expect(verified.status == 0, "\(verified.out) \(verified.err)")
        let service = try Self.sh(
            "set -a && . \(Self.quoted(envFile)) && set +a && "
                + "DOWNTIME_STATE_DIR=\(Self.quoted(home + "/state")) "
                + "sh \(Self.quoted(root + "/usr/local/bin/downtime-report.sh")) --once")
        #expect(service.status == 0, "\(service.err)")
        #expect(try status("sh-dev") == .up)

        #expect(try browse("POST", "/admin/devices/sh-dev/pause", form: ["csrf=\(csrf)"]).status == 303)
        #expect(try status("sh-dev") == .paused)
        #expect(try browse("POST", "/admin/devices/sh-dev/resume", form: ["csrf=\(csrf)"]).status == 303)
        // Refused from another origin or without the token: still not paused.
        #expect(
            try browse(
                "POST", "/admin/devices/sh-dev/pause", form: ["csrf=\(csrf)"],
                origin: "http://evil.example"
            ).status == 403)
        #expect(try browse("POST", "/admin/devices/sh-dev/pause", form: ["csrf=forged"]).status == 403)
        #expect(try status("sh-dev") != .paused)
        #expect(
            try browse("POST", "/admin/devices/sh-dev/maintenance", form: ["csrf=\(csrf)", "duration=1h"])
                .status == 303)
        // A window is applied by the collector's next sweep (every second).
        let deadline = Date() + 10
        while try status("sh-dev") != .paused, Date() < deadline { Thread.sleep(forTimeInterval: 0.2) }
        #expect(try status("sh-dev") == .paused)

        let renewed = try browse("POST", "/admin/devices/sh-dev/token", form: ["csrf=\(csrf)"])
        let newToken = try #require(Self.codeBlocks(renewed.body).first)
        #expect(renewed.status == 200 && newToken.hasPrefix("dtm_") && newToken != token)
        let beat = """
            {"device":"sh-dev","seq":99,"boot_id":"0b5d7a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b","uptime_s":100,\
            "sent_at":"2026-11-22T08:00:00Z","clock_synced":true,"interval_s":10,"agent_version":"0.1.0"}
            """
        let old = try Curl.request("POST", "\(url)/api/v1/heartbeat", json: beat, token: token)
        #expect(old.status == 401, "\(old.body)")
        let new = try Curl.request("POST", "\(url)/api/v1/heartbeat", json: beat, token: newToken)
        #expect(new.status == 200, "\(new.body)")

        let manage = try browse("GET", "/admin/devices/sh-dev")
        #expect(manage.status == 200 && manage.body.contains("start maintenance"))
        let confirm = try browse("GET", "/admin/devices/sh-dev/remove")
        #expect(confirm.status == 200 && confirm.body.contains("Remove sh-dev?"))
        #expect(try browse("POST", "/admin/devices/sh-dev/remove", form: ["csrf=\(csrf)"]).status == 303)
        #expect(try Curl.request("GET", "\(url)/api/v1/devices/sh-dev").status == 404)
        // The CLI sees what the page did.
        let cli = try Binaries.run("downtime-collector", ["device", "list", "--data-dir", data])
        #expect(cli.status == 0 && !cli.out.contains("sh-dev"))

        // Every admin page follows the HTML5 parsing rules without a single error (html5lib, strict).
        let login = try Curl.request("GET", "\(url)/admin/login").body
        let pages = [
            ("login", login), ("list", list.body), ("added", added.body), ("manage", manage.body),
            ("confirm", confirm.body), ("renewed", renewed.body),
        ]
        var files: [String] = []
        for (name, html) in pages {
            files.append("\(data)/\(name).html")
            try html.write(toFile: files.last!, atomically: true, encoding: .utf8)
        }
        let checker = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fixtures/check_html.py").path
        let valid = try Binaries.run("/usr/bin/env", ["python3", checker] + files)
        #expect(valid.status == 0, "\(valid.out) \(valid.err)")

        let log = collector.output
        for what in ["logged in", "added sh-dev", "paused sh-dev", "new token for sh-dev", "removed sh-dev"] {
            #expect(log.contains("admin from 127.0.0.1 as admin: \(what)"), "\(what) in \(log)")
        }
        #expect(
            log.contains("admin: wrong password from 127.0.0.1") && !log.contains(hash)
                && !log.contains(String(hash.suffix(31))))
    }

    /// The same path in a real headless Chromium (Debian's), the page's forms filled and submitted through the
    /// DevTools protocol by Tests/fixtures/admin_browser.py; the pages themselves run no script.
    @Test func realChromiumLogsInAddsRunsPausesRenewsRemoves() throws {
        let data = try Binaries.tempDir("admin chromium")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let hash = try Self.passwordHash()
        let collector = try CollectorProcess(dataDir: data, env: ["DOWNTIME_ADMIN_PASSWORD_HASH": hash])
        let driver = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fixtures/admin_browser.py").path
        let r = try Binaries.run("/usr/bin/env", ["python3", driver, collector.url, Self.password, data])
        #expect(r.status == 0, "\(r.out) \(r.err)")
        #expect(r.out == "logged in\nadded and up\npaused, resumed, in maintenance\nnew token; old one 401\nremoved\n")
        #expect(collector.output.contains("admin from 127.0.0.1 as admin: removed web-dev"))
    }

    /// A viewer in a real headless Chromium: logged in, no admin control on the list or a device's page, and a
    /// forged pause sent from the page with its own session's CSRF token is 403 with nothing changed.
    @Test func realChromiumViewerSeesNoControlAndIsRefused() throws {
        let data = try Binaries.tempDir("viewer chromium")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let dir = Self.quoted(data)
        let bin = Self.quoted(Binaries.path("downtime-collector"))
        #expect(try Self.sh("\(bin) device add web-dev --data-dir \(dir)").status == 0)
        let add = try Self.sh(
            "printf 'vera password\\nvera password\\n' | \(bin) user add vera --role viewer --data-dir \(dir)")
        #expect(add.status == 0, "\(add.err)")
        let collector = try CollectorProcess(dataDir: data)
        let driver = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fixtures/admin_browser.py").path
        let r = try Binaries.run("/usr/bin/env", ["python3", driver, collector.url, "vera password", data, "vera"])
        #expect(r.status == 0, "\(r.out) \(r.err)")
        #expect(r.out == "viewer logged in\nno admin control\nforged pause 403, nothing changed\n")
        #expect(collector.output.contains("admin: change refused to a viewer from 127.0.0.1 as vera"))
    }
}
