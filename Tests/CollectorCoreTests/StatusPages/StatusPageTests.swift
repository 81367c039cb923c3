import DowntimeProtocol
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CollectorCore
@testable import CollectorRules

/// The public status pages through the real router: what they show (and never show, in HTML, JSON and the event
/// stream read over a socket), the password of a page that has one, 404 for an unknown page, and their storage on
/// both backends.
@Suite struct StatusPageTests {
    /// Strings that may appear nowhere on a status page: real names, tags, sites, agent versions, boot ids, tokens,
    /// the text of a log line.
    struct Markers {
        static let names = ["mk-cam-4q7", "mk-nas-8w2", "mk-hidden-3z9"]
        static let tag = "mk-tag-5r1"
        static let site = "mk-site-6t3"
        static let agent = "mkagent-9v4"
        static let boots = ["6f0c2d1e-8a4b-4c3d-9e2f-1a2b3c4d5e6f", "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"]
        static let logText = "mklog-2k8"
    }

    /// What one client call fetched, carried out of the test client's closure.
    actor Fetched {
        var html = ""
        var json = ""
        func set(html: String, json: String) {
            self.html = html
            self.json = json
        }
    }

    static func beat(_ device: String, boot: String) -> String {
        """
        {"device":"\(device)","seq":1,"boot_id":"\(boot)","uptime_s":100,"sent_at":"2026-11-22T08:00:00Z",\
        "clock_synced":true,"interval_s":600,"agent_version":"\(Markers.agent)"}
        """
    }

    /// Three devices at a marked site with a marked tag, two on the page (by site), one beside it; the camera has a
    /// display name, the NAS none.
    static func world(config: CollectorConfig = CollectorConfig()) async throws -> (h: Harness, tokens: [String]) {
        let h = try await Harness.make(config: config)
        var added: [String] = []
        for name in Markers.names { added.append(try await h.addDevice(name)) }
        let tokens = added
        for name in Markers.names.prefix(2) {
            try await h.collector.admin.devices.setSite(Markers.site, device: name)
            try await h.collector.admin.devices.setTags([Markers.tag], device: name)
        }
        try await h.collector.admin.devices.setDisplayName("Front door camera", device: Markers.names[0])
        try await h.collector.admin.changed()
        try await h.test { client in
            for (i, name) in Markers.names.enumerated() {
                let (status, body) = try await client.post(
                    "/api/v1/heartbeat", beat(name, boot: Markers.boots[i % 2]), token: tokens[i])
                #expect(status == .ok, "\(body)")
            }
            let started = """
                {"events":[{"id":"\(UUID().uuidString)","device":"\(Markers.names[1])","kind":"agent_started",\
                "at":"2026-11-22T08:00:00Z","boot_id":"\(Markers.boots[1])","agent_version":"\(Markers.logText)"}]}
                """
            let (status, body) = try await client.post("/api/v1/events", started, token: tokens[1])
            #expect(status == .ok, "\(body)")
        }
        try await StatusPages(store: h.store, clock: h.clock, cost: 4).add(
            "home", title: "Our house", select: "site:\(Markers.site)")
        return (h, tokens)
    }

    static func expectNoMarkers(_ text: String, tokens: [String], _ what: String) {
        let all =
            Markers.names + [Markers.tag, Markers.site, Markers.agent, Markers.logText] + Markers.boots + tokens
            + ["127.0.0.1"]
        for marker in all { #expect(!text.contains(marker), "\(what) shows \(marker)") }
    }

    @Test func thePageItsJSONAndItsStreamShowDisplayNamesAndNothingPrivate() async throws {
        var config = CollectorConfig()
        config.host = "127.0.0.1"
        config.port = 0
        config.streamKeepAlive = 0.3
        let (h, tokens) = try await Self.world(config: config)
        let fetched = Fetched()
        try await h.test { client in
            let page = try await client.get("/status/home")
            #expect(page.0 == .ok)
            let data = try await client.get("/status/home.json")
            #expect(data.0 == .ok && data.2[.contentType]?.hasPrefix("application/json") == true)
            await fetched.set(html: page.1, json: data.1)
        }
        let (html, json) = await (fetched.html, fetched.json)
        for text in [html, json] {
            #expect(text.contains("Front door camera") && text.contains("Device 1") && text.contains("Our house"))
        }
        #expect(html.contains("data-stream=\"/status/home/stream\"") && html.contains("last 90 days, UTC"))
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let devices = try #require(decoded["devices"] as? [[String: Any]])
        #expect(devices.map { $0["name"] as? String } == ["Front door camera", "Device 1"])
        #expect(devices.allSatisfy { ($0["days"] as? [Any])?.count == 90 })
        Self.expectNoMarkers(html, tokens: tokens, "the page")
        Self.expectNoMarkers(json, tokens: tokens, "the JSON")

        let app = buildApplication(h.collector)
        try await app.test(.live) { client in
            let s = try RawSocket(port: try #require(client.port))
            defer { s.close() }
            s.send("GET /status/home/stream HTTP/1.1\r\nHost: x\r\n\r\n")
            let head = await s.read(until: "retry: 2000\n\n", seconds: 30)
            #expect(head.hasPrefix("HTTP/1.1 200"), "\(head)")
            // The device beside the page goes down first: its flip is not sent.
            try await h.collector.ingest.ping(device: Markers.names[2], fail: true)
            try await h.collector.ingest.ping(device: Markers.names[0], fail: true)
            let events = await s.read(
                until: "event: flip\ndata: {\"device\":\"Front door camera\",\"from\":\"up\",\"to\":\"down\"",
                seconds: 30)
            #expect(events.contains("\"device\":\"Front door camera\",\"from\":\"up\",\"to\":\"down\""), "\(events)")
            Self.expectNoMarkers(head + events, tokens: tokens, "the stream")
        }
    }

    @Test func anUnknownPageIs404AndNoPageIsOnUntilOneIsMade() async throws {
        let h = try await Harness.make()
        try await h.test { client in
            for uri in ["/status/home", "/status/home.json", "/status/home/stream", "/status/Bad%20Name"] {
                #expect(try await client.get(uri).0 == .notFound, "\(uri)")
            }
            let posted = try await client.post("/status/home", "password=x", token: nil)
            #expect(posted.0 == .notFound)
        }
    }

    @Test func aPageWithAPasswordAsksForItAndItsCookieOpensIt() async throws {
        let h = try await Harness.make()
        _ = try await h.addDevice("pi-1")
        try await StatusPages(store: h.store, clock: h.clock, cost: 4).add(
            "family", title: "Family", select: "device:pi-1", password: "holiday house")
        try await h.test { client in
            let locked = try await client.get("/status/family")
            #expect(locked.0 == .unauthorized && locked.1.contains("name=\"password\"") && !locked.1.contains("pi-1"))
            #expect(try await client.get("/status/family.json").0 == .unauthorized)
            #expect(try await client.get("/status/family/stream").0 == .unauthorized)
            func post(_ password: String, origin: String = AdminPagesTests.origin) async throws
                -> (HTTPResponse.Status, String, HTTPFields)
            {
                try await client.execute(
                    uri: "/status/family", method: .post,
                    headers: [.contentType: "application/x-www-form-urlencoded", .origin: origin],
                    body: ByteBuffer(string: "password=\(password)")
                ) { ($0.status, String(buffer: $0.body), $0.headers) }
            }
            let wrong = try await post("holiday+flat")
            #expect(wrong.0 == .forbidden && wrong.1.contains("Wrong password.") && wrong.2[.setCookie] == nil)
            #expect(try await post("holiday+house", origin: "http://evil.example").0 == .forbidden)
            let right = try await post("holiday+house")
            #expect(right.0 == .seeOther && right.2[.location] == "/status/family")
            let cookie = try #require(right.2[.setCookie]?.split(separator: ";").first.map(String.init))
            #expect(cookie.hasPrefix("downtime_status_family=") && right.2[.setCookie]!.contains("HttpOnly"))
            for uri in ["/status/family", "/status/family.json"] {
                let opened = try await client.execute(uri: uri, method: .get, headers: [.cookie: cookie]) {
                    ($0.status, String(buffer: $0.body))
                }
                #expect(opened.0 == .ok && opened.1.contains("Device 1"), "\(uri)")
            }
            // Another page's cookie value, or a forged one, opens nothing.
            let forged = try await client.execute(
                uri: "/status/family", method: .get,
                headers: [.cookie: "downtime_status_family=" + String(repeating: "0", count: 64)]
            ) { $0.status }
            #expect(forged == .unauthorized)
        }
    }

    @Test func theAdminPagesListAddAndRemoveStatusPages() async throws {
        var config = CollectorConfig()
        config.adminPasswordHash = AdminPagesTests.hash
        let h = try await Harness.make(config: config)
        _ = try await h.addDevice("pi-1")
        let (id, session) = try await h.collector.access.sessions.start(Account(name: "admin", role: .admin))
        let headers: HTTPFields = [
            .cookie: "\(AdminRequest.cookieName)=\(id)", .origin: AdminPagesTests.origin,
            .contentType: "application/x-www-form-urlencoded",
        ]
        try await h.test { client in
            func post(_ uri: String, _ form: String) async throws -> (HTTPResponse.Status, String) {
                try await client.execute(
                    uri: uri, method: .post, headers: headers, body: ByteBuffer(string: "csrf=\(session.csrf)&" + form)
                ) { ($0.status, String(buffer: $0.body)) }
            }
            let added = try await post("/admin/status-pages", "name=home&title=Home&select=device%3Api-1")
            #expect(added.0 == .ok && added.1.contains("Added /status/home.") && added.1.contains("device:pi-1"))
            let bad = try await post("/admin/status-pages", "name=home2&title=Home&select=room%3Ax")
            #expect(bad.0 == .badRequest && bad.1.contains("unknown selection room:x"))
            let taken = try await post("/admin/status-pages", "name=home&title=Home&select=tag%3Ax")
            #expect(taken.0 == .badRequest && taken.1.contains("a status page named home already exists"))
            #expect(try await client.get("/status/home").0 == .ok)
            let removed = try await post("/admin/status-pages/home/remove", "")
            #expect(removed.0 == .ok && removed.1.contains("Removed /status/home."))
            #expect(try await client.get("/status/home").0 == .notFound)
        }
    }

    @Test(arguments: Backend.all) func pagesAndDisplayNamesAreStored(_ backend: Backend) async throws {
        let h = try StoreHandle.fresh(backend)
        defer { h.remove() }
        let clock = ManualClock()
        let store = try await h.open()
        let admin = DeviceAdmin(store: store, clock: clock)
        _ = try await admin.add("pi-1")
        _ = try await admin.add("pi-2")
        let pages = StatusPages(store: store, clock: clock, cost: 4)
        try await pages.add("home", title: " Home ", select: "site:home")
        let secret = try await pages.add("Family", title: "Family", select: "device:pi-1,PI-2", password: "long enough")
        #expect(secret.name == "family" && secret.selector == .devices(["pi-1", "pi-2"]))
        #expect(AdminPassword.isBcryptHash(secret.passwordHash ?? "") && secret.passwordHash != "long enough")
        await #expect(throws: AdminError.statusPageTaken("home")) {
            try await pages.add("home", title: "x", select: "tag:a")
        }
        await #expect(throws: AdminError.noDevice("pi-9")) {
            try await pages.add("other", title: "x", select: "device:pi-1,pi-9")
        }
        await #expect(throws: AdminError.invalidStatusPageName("home.json")) {
            try await pages.add("home.json", title: "x", select: "tag:a")
        }
        await #expect(throws: AdminError.invalidTitle) { try await pages.add("x", title: "  ", select: "tag:a") }
        await #expect(throws: AdminError.invalidSelection(.empty("device:"))) {
            try await pages.add("x", title: "x", select: "device:")
        }
        let again = StatusPages(store: try await h.open(), clock: clock)
        #expect(
            try await again.list().map { "\($0.name) \($0.title) \($0.selector.text)" } == [
                "family Family device:pi-1,pi-2", "home Home site:home",
            ])
        #expect(try await StatusPages.unlocks(try #require(try await again.page("family")), password: "long enough"))
        let family = try #require(try await again.page("family"))
        #expect(!(try await StatusPages.unlocks(family, password: "wrong one")))
        #expect(try await again.remove("home") == "home")
        await #expect(throws: AdminError.noStatusPage("home")) { try await again.remove("home") }

        try await admin.setDisplayName("  Front door camera ", device: "pi-1")
        #expect(try await store.device(named: "pi-1")?.displayName == "Front door camera")
        await #expect(throws: AdminError.invalidDisplayName) { try await admin.setDisplayName("", device: "pi-1") }
        await #expect(throws: AdminError.noDevice("pi-9")) { try await admin.setDisplayName("x", device: "pi-9") }
        try await admin.setDisplayName(nil, device: "pi-1")
        #expect(try await store.device(named: "pi-1")?.displayName == nil)
    }
}
