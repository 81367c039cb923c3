import CollectorCore
import DowntimeProtocol
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// The admin pages through the real router on a real SQLite store: off without a hash, a login for every URL,
/// CSRF and origin checks before any change, rate-limited logins, the hash in no page or log line, and every
/// action seen by the CLI's `DeviceAdmin` on its own connection.
@Suite struct AdminPagesTests {
    static let password = "correct horse battery"
    static let hash = AdminPassword.hash(password, cost: 4)
    /// The router test framework sends every request to `localhost`.
    static let origin = "http://localhost"

    /// A collector with admin on, its log kept.
    final class Admin: Sendable {
        let handle: StoreHandle
        let collector: Collector
        let log: LogLines
        let clock: ManualClock

        init(handle: StoreHandle, collector: Collector, log: LogLines, clock: ManualClock) {
            (self.handle, self.collector, self.log, self.clock) = (handle, collector, log, clock)
        }

        deinit { handle.remove() }

        static func make(tls: Bool = false, hash: String? = AdminPagesTests.hash, pagePassword: String? = nil)
            async throws -> Admin
        {
            let handle = try StoreHandle.fresh(.sqlite)
            var config = CollectorConfig()
            config.dataDir = handle.dir
            config.adminPasswordHash = hash
            config.pagePassword = pagePassword
            if tls { (config.tlsCert, config.tlsKey) = ("/nonexistent/cert.pem", "/nonexistent/key.pem") }
            let log = LogLines()
            let clock = ManualClock()
            let collector = try await Collector.start(
                store: try await handle.open(), config: config, clock: clock, monotonic: clock,
                clockSync: ManualClockSync(), logger: log.logger)
            return Admin(handle: handle, collector: collector, log: log, clock: clock)
        }

        /// The CLI's users, on another connection to the same store (bcrypt's least cost, for speed).
        func users() async throws -> Users {
            Users(store: try await handle.open(), clock: clock, builtInHash: AdminPagesTests.hash, cost: 4)
        }

        /// The CLI's view: another connection to the same store.
        func cli() async throws -> DeviceAdmin { DeviceAdmin(store: try await handle.open(), clock: clock) }

        func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
            try await Application(router: buildRouter(collector)).test(.router, body)
        }
    }

    /// A logged-in browser: its cookie and CSRF token.
    struct Browser: Sendable {
        var cookie: String
        var csrf: String
    }

    static func send(
        _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String,
        form: [(String, String)]? = nil, cookie: String? = nil, origin: String? = AdminPagesTests.origin
    )
        async throws -> (status: HTTPResponse.Status, body: String, headers: HTTPFields)
    {
        var headers: HTTPFields = [:]
        if let cookie { headers[.cookie] = cookie }
        if let origin { headers[.origin] = origin }
        var body: ByteBuffer?
        if let form {
            headers[.contentType] = "application/x-www-form-urlencoded"
            body = ByteBuffer(
                string: form.map {
                    "\($0)=\($1.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
                }.joined(separator: "&"))
        }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body) {
            ($0.status, String(buffer: $0.body), $0.headers)
        }
    }

    static func login(_ client: any TestClientProtocol) async throws -> Browser {
        let r = try await send(client, .post, "/admin/login", form: [("password", password)])
        #expect(r.status == .seeOther && r.headers[.location] == "/admin")
        let cookie = try #require(r.headers[.setCookie]).split(separator: ";")[0]
        let page = try await send(client, .get, "/admin", cookie: String(cookie))
        #expect(page.status == .ok)
        return Browser(cookie: String(cookie), csrf: try #require(csrf(in: page.body)))
    }

    static func csrf(in html: String) -> String? {
        guard let r = html.range(of: #"name="csrf" value=""#) else { return nil }
        return String(html[r.upperBound...].prefix(while: { $0 != "\"" }))
    }

    static func post(_ client: any TestClientProtocol, _ b: Browser, _ uri: String, _ fields: [(String, String)] = [])
        async throws -> (status: HTTPResponse.Status, body: String, headers: HTTPFields)
    {
        try await send(client, .post, uri, form: [("csrf", b.csrf)] + fields, cookie: b.cookie)
    }

    static func token(in html: String) -> String? {
        guard let r = html.range(of: "<pre><code>dtm_") else { return nil }
        return "dtm_" + html[r.upperBound...].prefix(while: { $0 != "<" })
    }

    static let getURLs = ["/admin", "/admin/devices/pi-1", "/admin/devices/pi-1/remove"]
    static let postURLs = [
        "/admin/logout", "/admin/devices", "/admin/devices/pi-1/pause", "/admin/devices/pi-1/resume",
        "/admin/devices/pi-1/maintenance", "/admin/devices/pi-1/interval",
        "/admin/devices/pi-1/tags", "/admin/devices/pi-1/display",
        "/admin/devices/pi-1/token", "/admin/devices/pi-1/remove",
    ]

    @Test func adminIsOffWithoutAHash() async throws {
        let a = try await Admin.make(hash: nil)
        try await a.test { client in
            for uri in Self.getURLs + ["/admin/login"] {
                let r = try await Self.send(client, .get, uri)
                #expect(r.status == .notFound, "\(uri)")
            }
            for uri in Self.postURLs + ["/admin/login"] {
                let r = try await Self.send(client, .post, uri, form: [("password", Self.password)])
                #expect(r.status == .notFound, "\(uri)")
            }
        }
    }

    @Test func everyAdminURLNeedsALoginAndChangesNothingWithout() async throws {
        let a = try await Admin.make()
        _ = try await a.collector.admin.addDevice("pi-1")
        let before = try await a.cli().devices()
        try await a.test { client in
            for uri in Self.getURLs {
                let r = try await Self.send(client, .get, uri, cookie: "downtime_admin=dtm_forged")
                #expect(r.status == .seeOther && r.headers[.location] == "/admin/login", "\(uri)")
            }
            for uri in Self.postURLs {
                let r = try await Self.send(
                    client, .post, uri,
                    form: [("csrf", "x"), ("name", "pi-2"), ("seconds", "5")])
                #expect(r.status == .unauthorized, "\(uri)")
            }
            #expect(try await Self.send(client, .get, "/admin/login").status == .ok)
        }
        #expect(try await a.cli().devices() == before)
    }

    @Test func eachActionChangesWhatTheCLISees() async throws {
        let a = try await Admin.make()
        try await a.test { client in
            let b = try await Self.login(client)
            let added = try await Self.post(
                client, b, "/admin/devices",
                [("name", "Pi-1"), ("tags", "office, garage"), ("interval", "60")])
            #expect(added.status == .ok && added.headers[.cacheControl] == "no-store")
            let token = try #require(Self.token(in: added.body))
            #expect(added.body.contains("DOWNTIME_COLLECTOR_URL=http://localhost"))
            #expect(added.body.contains("DOWNTIME_TOKEN=\(token)"))
            #expect(
                added.body.contains(
                    "curl -fsS -o downtime-report.sh &#39;http://localhost/install/downtime-report.sh&#39;"))
            #expect(added.body.contains("deploy/install.sh agent"))
            var record = try #require(try await a.cli().devices().first)
            #expect(record.name == "pi-1" && record.tags == ["office", "garage"] && record.intervalOverride == 60)
            #expect(record.tokenHash == Tokens.hash(token))
            #expect(try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1"), token: token).0 == .ok)

            #expect(try await Self.post(client, b, "/admin/devices/pi-1/pause").status == .seeOther)
            #expect(try await a.cli().devices().first?.paused == true)
            #expect(try await a.collector.reads.deviceView("pi-1")?.status == .paused)
            #expect(try await Self.post(client, b, "/admin/devices/pi-1/resume").status == .seeOther)
            #expect(try await a.cli().devices().first?.paused == false)

            #expect(
                try await Self.post(client, b, "/admin/devices/pi-1/maintenance", [("duration", "2h")]).status
                    == .seeOther)
            #expect(
                try await a.cli().maintenanceWindows().map(\.spec)
                    == ["device:pi-1 once 2026-11-22T08:10:00Z 2026-11-22T10:10:00Z"])
            let bad = try await Self.post(client, b, "/admin/devices/pi-1/maintenance", [("duration", "2x")])
            #expect(bad.status == .badRequest && bad.body.contains("duration must be like 90s"))

            #expect(
                try await Self.post(client, b, "/admin/devices/pi-1/interval", [("seconds", "300")]).status
                    == .seeOther)
            #expect(try await a.cli().devices().first?.intervalOverride == 300)
            #expect(
                try await Self.post(client, b, "/admin/devices/pi-1/interval", [("seconds", "")]).status
                    == .seeOther)
            #expect(try await a.cli().devices().first?.intervalOverride == nil)
            #expect(
                try await Self.post(client, b, "/admin/devices/pi-1/interval", [("seconds", "0")]).status
                    == .badRequest)
            #expect(try await Self.post(client, b, "/admin/devices/pi-1/tags", [("tags", "lab")]).status == .seeOther)
            #expect(try await a.cli().devices().first?.tags == ["lab"])
            let shown = try await Self.post(client, b, "/admin/devices/pi-1/display", [("display", " Front door ")])
            #expect(shown.status == .seeOther)
            #expect(try await a.cli().devices().first?.displayName == "Front door")
            #expect(
                try await Self.send(client, .get, "/admin/devices/pi-1", cookie: b.cookie).body.contains(
                    "value=\"Front door\""))
            #expect(
                try await Self.post(client, b, "/admin/devices/pi-1/display", [("display", "")]).status == .seeOther)
            #expect(try await a.cli().devices().first?.displayName == nil)
            let long = String(repeating: "x", count: 61)
            #expect(
                try await Self.post(client, b, "/admin/devices/pi-1/display", [("display", long)]).status == .badRequest
            )

            let renewed = try await Self.post(client, b, "/admin/devices/pi-1/token")
            let newToken = try #require(Self.token(in: renewed.body))
            #expect(renewed.status == .ok && newToken != token)
            // The old token is refused at once, without waiting for a sweep.
            #expect(
                try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1", seq: 2), token: token).0
                    == .unauthorized)
            #expect(try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1", seq: 3), token: newToken).0 == .ok)
            record = try #require(try await a.cli().devices().first)
            #expect(record.tokenHash == Tokens.hash(newToken))

            let confirm = try await Self.send(client, .get, "/admin/devices/pi-1/remove", cookie: b.cookie)
            #expect(confirm.status == .ok && confirm.body.contains("Remove pi-1?"))
            #expect(try await Self.post(client, b, "/admin/devices/pi-1/remove").status == .seeOther)
            #expect(try await a.cli().devices().isEmpty)
            #expect(
                try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1", seq: 4), token: newToken).0
                    == .unauthorized)
            let gone = try await Self.post(client, b, "/admin/devices/pi-1/pause")
            #expect(gone.status == .notFound && gone.body.contains("no device named pi-1"))
        }
        let lines = a.log.all
        for what in ["logged in", "added pi-1", "paused pi-1", "resumed pi-1", "new token for pi-1", "removed pi-1"] {
            #expect(lines.contains { $0.contains("admin from unknown as admin: \(what)") }, "\(what)")
        }
    }

    @Test func aBadAddChangesNothing() async throws {
        let a = try await Admin.make()
        try await a.test { client in
            let b = try await Self.login(client)
            let bad = [
                [("name", "../x")], [("name", "pi-1"), ("tags", "bad/tag")],
                [("name", "pi-1"), ("interval", "x")],
            ]
            for fields in bad {
                #expect(try await Self.post(client, b, "/admin/devices", fields).status == .badRequest)
            }
        }
        #expect(try await a.cli().devices().isEmpty)
    }

    @Test func formsWithoutTheirSessionsTokenOrFromAnotherOriginChangeNothing() async throws {
        let a = try await Admin.make()
        _ = try await a.collector.admin.addDevice("pi-1")
        try await a.test { client in
            let mine = try await Self.login(client)
            let other = try await Self.login(client)
            #expect(mine.csrf != other.csrf && mine.cookie != other.cookie)
            let uri = "/admin/devices/pi-1/pause"
            let refusals: [(String, [(String, String)], String?)] = [
                ("no token", [], Self.origin),
                ("another session's token", [("csrf", other.csrf)], Self.origin),
                ("another origin", [("csrf", mine.csrf)], "http://evil.example"),
                ("another port", [("csrf", mine.csrf)], "http://localhost:9999"),
                ("no origin or referer", [("csrf", mine.csrf)], nil),
            ]
            for (why, fields, origin) in refusals {
                let r = try await Self.send(client, .post, uri, form: fields, cookie: mine.cookie, origin: origin)
                #expect(r.status == .forbidden, "\(why)")
            }
            #expect(try await a.cli().devices().first?.paused == false)
            // The same form, properly sent, works.
            #expect(try await Self.post(client, mine, uri).status == .seeOther)
            #expect(try await a.cli().devices().first?.paused == true)
            // After logout the session's cookie and token are worth nothing.
            #expect(try await Self.post(client, mine, "/admin/logout").status == .seeOther)
            #expect(try await Self.post(client, mine, "/admin/devices/pi-1/resume").status == .unauthorized)
            #expect(try await a.cli().devices().first?.paused == true)
        }
    }

    @Test func tenWrongPasswordsAreRateLimited() async throws {
        let a = try await Admin.make()
        try await a.test { client in
            for attempt in 1...10 {
                let r = try await Self.send(client, .post, "/admin/login", form: [("password", "guess \(attempt)")])
                #expect(r.status == .unauthorized && r.headers[.setCookie] == nil, "attempt \(attempt)")
            }
            let limited = try await Self.send(client, .post, "/admin/login", form: [("password", "guess 11")])
            #expect(limited.status == .tooManyRequests && limited.headers[.retryAfter] != nil)
            // Refused before the password is checked: even the right one waits.
            let right = try await Self.send(client, .post, "/admin/login", form: [("password", Self.password)])
            #expect(right.status == .tooManyRequests && right.headers[.setCookie] == nil)
            a.clock.advance(60)
            #expect(
                try await Self.send(client, .post, "/admin/login", form: [("password", Self.password)]).status
                    == .seeOther)
            let evil = try await Self.send(
                client, .post, "/admin/login", form: [("password", Self.password)],
                origin: "http://evil.example")
            #expect(evil.status == .forbidden && evil.headers[.setCookie] == nil)
        }
    }

    @Test func theCookieIsHttpOnlyStrictAndSecureUnderTLS() async throws {
        for tls in [false, true] {
            let a = try await Admin.make(tls: tls)
            try await a.test { client in
                let r = try await Self.send(client, .post, "/admin/login", form: [("password", Self.password)])
                let cookie = try #require(r.headers[.setCookie])
                #expect(cookie.hasPrefix("downtime_admin=dtm_"))
                #expect(cookie.contains("; HttpOnly; SameSite=Strict; Path=/"))
                #expect(cookie.hasSuffix("; Secure") == tls)
            }
        }
    }

    @Test func theHashIsInNoPageAndNoLogLine() async throws {
        let a = try await Admin.make()
        _ = try await a.collector.admin.addDevice("pi-1")
        // The salt and the digest, each a secret part of the hash.
        let parts = [Self.hash, String(Self.hash.dropFirst(7).prefix(22)), String(Self.hash.suffix(31))]
        try await a.test { client in
            var bodies = [
                try await Self.send(client, .get, "/admin/login").body,
                try await Self.send(client, .post, "/admin/login", form: [("password", "wrong")]).body,
            ]
            let b = try await Self.login(client)
            for uri in Self.getURLs { bodies.append(try await Self.send(client, .get, uri, cookie: b.cookie).body) }
            bodies.append(try await Self.post(client, b, "/admin/devices", [("name", "pi-2")]).body)
            bodies.append(try await Self.post(client, b, "/admin/devices/pi-1/token").body)
            bodies.append(try await client.get("/").1)
            for body in bodies {
                #expect(!body.isEmpty && !parts.contains { body.contains($0) })
            }
        }
        #expect(!a.log.all.isEmpty && !a.log.all.contains { line in parts.contains { line.contains($0) } })
    }

    @Test func theServedReporterIsTheRepositorysScriptAndOpen() async throws {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        let script = try String(contentsOf: url.appendingPathComponent("agent/downtime-report.sh"), encoding: .utf8)
        var config = CollectorConfig()
        config.pagePassword = "page-secret"
        let h = try await Harness.make(config: config)
        try await h.test { client in
            let (status, body, headers) = try await client.get("/install/downtime-report.sh")
            #expect(status == .ok && headers[.contentType] == "text/plain; charset=utf-8")
            #expect(body == script, "Admin/ReporterScript.swift is stale: run make reporter-embed")
        }
    }
}

/// The pure parts: origin check, form and cookie parsing, sessions, install lines.
@Suite struct AdminRequestTests {
    @Test func sameOriginComparesHostAndPort() {
        let cases: [(String?, String?, String?, Bool)] = [
            ("http://nas:8899", nil, "nas:8899", true),
            ("https://nas:8899", nil, "nas:8899", true),
            ("http://nas", nil, "nas", true),
            ("http://nas", nil, "nas:80", true),
            ("https://nas", nil, "nas:443", true),
            ("http://NAS:8899", nil, "nas:8899", true),
            (nil, "http://nas:8899/admin/devices/pi-1", "nas:8899", true),
            ("http://evil:8899", nil, "nas:8899", false),
            ("http://nas:9000", nil, "nas:8899", false),
            ("http://nas.evil:8899", nil, "nas:8899", false),
            ("null", nil, "nas:8899", false),
            ("null", "http://nas:8899/admin", "nas:8899", true),
            (nil, nil, "nas:8899", false),
            ("http://nas:8899", nil, nil, false),
            ("file:///x", nil, "nas:8899", false),
            (nil, "http://evil:8899/?nas:8899", "nas:8899", false),
        ]
        for (origin, referer, host, expected) in cases {
            #expect(
                AdminRequest.isSameOrigin(origin: origin, referer: referer, host: host) == expected,
                "\(origin ?? "-") \(referer ?? "-") \(host ?? "-")")
        }
    }

    @Test func formsAndCookiesAreRead() {
        #expect(AdminRequest.form("a=1&b=x+y%2Fz&a=2&=q&c") == ["a": "1", "b": "x y/z", "c": ""])
        #expect(AdminRequest.form("bad=%ZZ") == ["bad": ""])
        #expect(AdminRequest.sessionID(cookie: "x=1; downtime_admin=abc ;y=2") == "abc")
        #expect(AdminRequest.sessionID(cookie: "downtime_admin=") == nil)
        #expect(AdminRequest.sessionID(cookie: "other=abc") == nil)
        #expect(AdminRequest.sessionID(cookie: nil) == nil)
        #expect(AdminRequest.collectorURL(host: "nas.lan:8899", tls: true) == "https://nas.lan:8899")
        #expect(AdminRequest.collectorURL(host: "[::1]:8899", tls: false) == "http://[::1]:8899")
        #expect(AdminRequest.collectorURL(host: "nas'; rm -rf /", tls: false) == nil)
    }

    @Test func installLinesNameTheCollectorTokenAndTLS() {
        let plain = InstallLines(collectorURL: "http://nas:8899", device: "pi-1", token: "dtm_x", tls: false, pin: nil)
        #expect(
            plain.agentEnv
                == "DOWNTIME_COLLECTOR_URL=http://nas:8899\nDOWNTIME_TOKEN=dtm_x\nDOWNTIME_DEVICE=pi-1\n")
        #expect(
            plain.reporterDownload
                == "curl -fsS -o downtime-report.sh 'http://nas:8899/install/downtime-report.sh'")
        #expect(
            plain.reporterInstall == "sudo env 'DOWNTIME_COLLECTOR_URL=http://nas:8899' 'DOWNTIME_TOKEN=dtm_x' "
                + "'DOWNTIME_DEVICE=pi-1' sh downtime-report.sh --install")
        let pinned = InstallLines(
            collectorURL: "https://nas:8899", device: "pi-1", token: "dtm_x", tls: true,
            pin: "sha256//abc=")
        #expect(pinned.agentEnv.contains("DOWNTIME_PIN_SHA256=sha256//abc=\n"))
        #expect(pinned.reporterDownload.contains(" -k --pinnedpubkey 'sha256//abc=' "))
        let ca = InstallLines(collectorURL: "https://nas:8899", device: "pi-1", token: "dtm_x", tls: true, pin: nil)
        #expect(ca.agentEnv.contains("DOWNTIME_CA_FILE=/etc/downtime/ca.pem"))
        #expect(ca.reporterDownload.contains("--cacert"))
    }
}
