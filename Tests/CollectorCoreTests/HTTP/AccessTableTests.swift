import CollectorCore
import CollectorRules
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Every route of the router × every kind of caller, with the status each gets, on a collector with a page password
/// and a built-in admin. A route added without its row fails `everyRouteHasARow`. An allowed caller gets the
/// handler's own answer (a 404 for the admin's change to a device that does not exist shows the change was let
/// through); a refused one gets 401, 403 or the login form (303).
@Suite struct AccessTableTests {
    enum Caller: Int, CaseIterable, CustomStringConvertible {
        case anonymous, viewer, admin, readKey, adminKey, deviceToken, trustedHeader, untrustedHeader
        var description: String {
            [
                "anonymous", "viewer", "admin", "read key", "admin key", "device token",
                "Remote-User: vera from a trusted proxy", "Remote-User: vera from another address",
            ][rawValue]
        }
    }

    /// The statuses of anonymous, viewer, admin, read key, admin key, device token, and the proxy's header naming the
    /// viewer from a trusted proxy's address and from another address.
    static let table: [String: [Int]] = [
        // The agents' writes: only the device's token.
        "POST /api/v1/heartbeat": [401, 401, 401, 401, 401, 200, 401, 401],
        "POST /api/v1/events": [401, 401, 401, 401, 401, 200, 401, 401],
        // Enrolment is open (its key is in the body; none is configured here).
        "POST /api/v1/enroll": [403, 403, 403, 403, 403, 403, 403, 403],
        // The read API and metrics: the page password, a session or an API key; a device's token is no key.
        "GET /api/v1/collector": [401, 200, 200, 200, 200, 401, 200, 401],
        "GET /api/v1/summary": [401, 200, 200, 200, 200, 401, 200, 401],
        "GET /api/v1/devices": [401, 200, 200, 200, 200, 401, 200, 401],
        "GET /api/v1/devices/{name}": [401, 200, 200, 200, 200, 401, 200, 401],
        "GET /api/v1/devices/{name}/events": [401, 200, 200, 200, 200, 401, 200, 401],
        "GET /api/v1/jobs": [401, 200, 200, 200, 200, 401, 200, 401],
        "GET /api/v1/jobs/{name}": [401, 200, 200, 200, 200, 401, 200, 401],
        "GET /api/v1/incidents": [401, 200, 200, 200, 200, 401, 200, 401],
        "GET /api/v1/ups": [401, 200, 200, 200, 200, 401, 200, 401],
        "GET /api/v1/stream": [401, 200, 200, 200, 200, 401, 200, 401],
        "GET /metrics": [401, 200, 200, 200, 200, 401, 200, 401],
        // The pages and badges: the page password or a session; keys are not for pages.
        "GET /": [401, 200, 200, 401, 401, 401, 200, 401],
        "GET /devices/{name}": [401, 200, 200, 401, 401, 401, 200, 401],
        "GET /devices/{name}/log.txt": [401, 200, 200, 401, 401, 401, 200, 401],
        "GET /devices/{name}/log.csv": [401, 200, 200, 401, 401, 401, 200, 401],
        "GET /jobs/{name}": [401, 200, 200, 401, 401, 401, 200, 401],
        "GET /incidents/{id}": [401, 404, 404, 401, 401, 401, 404, 401],
        "GET /badge/{file}": [401, 200, 200, 401, 401, 401, 200, 401],
        // Open to all.
        "GET /healthz": [200, 200, 200, 200, 200, 200, 200, 200],
        "GET /install/downtime-report.sh": [200, 200, 200, 200, 200, 200, 200, 200],
        "GET /ping/{token}": [200, 200, 200, 200, 200, 200, 200, 200],
        "POST /ping/{token}": [200, 200, 200, 200, 200, 200, 200, 200],
        "GET /ping/{token}/fail": [200, 200, 200, 200, 200, 200, 200, 200],
        "POST /ping/{token}/fail": [200, 200, 200, 200, 200, 200, 200, 200],
        // A job's pings: the key is the capability (here no job's: 404 for anyone, nothing stored).
        "GET /ping/job/{key}": [404, 404, 404, 404, 404, 404, 404, 404],
        "POST /ping/job/{key}": [404, 404, 404, 404, 404, 404, 404, 404],
        "GET /ping/job/{key}/{action}": [404, 404, 404, 404, 404, 404, 404, 404],
        "POST /ping/job/{key}/{action}": [404, 404, 404, 404, 404, 404, 404, 404],
        // A public status page (no password): its page and JSON, its stream, and its form (sent back to the page).
        "GET /status/{page}": [200, 200, 200, 200, 200, 200, 200, 200],
        "GET /status/{page}/stream": [200, 200, 200, 200, 200, 200, 200, 200],
        "POST /status/{page}": [303, 303, 303, 303, 303, 303, 303, 303],
        // A message's acknowledge link: the token is the capability (here no link's: 404 for anyone).
        "GET /ack/{token}": [404, 404, 404, 404, 404, 404, 404, 404],
        "POST /ack/{token}": [404, 404, 404, 404, 404, 404, 404, 404],
        // The login form: a logged-in browser is sent on; a wrong password is 401 for anyone.
        "GET /admin/login": [200, 303, 303, 200, 200, 200, 303, 200],
        "POST /admin/login": [401, 401, 401, 401, 401, 401, 401, 401],
        // What a viewer may see, and logging out.
        "GET /admin": [303, 200, 200, 303, 303, 303, 200, 303],
        "GET /admin/devices/{name}": [303, 200, 200, 303, 303, 303, 200, 303],
        "POST /admin/logout": [401, 303, 303, 401, 401, 401, 303, 401],
        // The admin's controls: 403 for a viewer.
        "GET /admin/devices/{name}/remove": [303, 403, 200, 303, 303, 303, 403, 303],
        "GET /admin/users": [303, 403, 200, 303, 303, 303, 403, 303],
        "POST /admin/devices": [401, 403, 400, 401, 401, 401, 403, 401],
        "POST /admin/devices/{name}/pause": [401, 403, 404, 401, 401, 401, 403, 401],
        "POST /admin/devices/{name}/resume": [401, 403, 404, 401, 401, 401, 403, 401],
        "POST /admin/devices/{name}/maintenance": [401, 403, 404, 401, 401, 401, 403, 401],
        "POST /admin/devices/{name}/interval": [401, 403, 404, 401, 401, 401, 403, 401],
        "POST /admin/devices/{name}/tags": [401, 403, 404, 401, 401, 401, 403, 401],
        "POST /admin/devices/{name}/display": [401, 403, 404, 401, 401, 401, 403, 401],
        "POST /admin/devices/{name}/token": [401, 403, 404, 401, 401, 401, 403, 401],
        "POST /admin/devices/{name}/remove": [401, 403, 404, 401, 401, 401, 403, 401],
        "POST /admin/devices/{name}/ack": [401, 403, 404, 401, 401, 401, 403, 401],
        "POST /admin/devices/{name}/snooze": [401, 403, 404, 401, 401, 401, 403, 401],
        "POST /admin/devices/{name}/snooze/clear": [401, 403, 404, 401, 401, 401, 403, 401],
        "POST /admin/devices/{name}/critical": [401, 403, 404, 401, 401, 401, 403, 401],
        "POST /admin/devices/{name}/critical/clear": [401, 403, 404, 401, 401, 401, 403, 401],
        "POST /admin/users": [401, 403, 400, 401, 401, 401, 403, 401],
        "POST /admin/users/{name}/password": [401, 403, 404, 401, 401, 401, 403, 401],
        "POST /admin/users/{name}/remove": [401, 403, 404, 401, 401, 401, 403, 401],
        "GET /admin/status-pages": [303, 403, 200, 303, 303, 303, 403, 303],
        "POST /admin/status-pages": [401, 403, 400, 401, 401, 401, 403, 401],
        "POST /admin/status-pages/{name}/remove": [401, 403, 404, 401, 401, 401, 403, 401],
        "GET /admin/jobs": [303, 403, 200, 303, 303, 303, 403, 303],
        "POST /admin/jobs": [401, 403, 400, 401, 401, 401, 403, 401],
        "POST /admin/jobs/{name}/remove": [401, 403, 404, 401, 401, 401, 403, 401],
    ]

    /// A collector with a page password, a built-in admin, a viewer, a device, two keys and a proxy's login trusted
    /// from `trusted` (the tests' requests come from 127.0.0.1), and a job named like the device.
    struct World: Sendable {
        let h: Harness
        let token: String
        let readKey: String
        let adminKey: String

        static func make(trusted: String = "127.0.0.1/32") async throws -> World {
            var config = CollectorConfig()
            config.proxyLogin = ProxyLogin(trusted: [try #require(CIDR(trusted))], header: "Remote-User")
            config.pagePassword = "family secret"
            config.adminPasswordHash = AdminPagesTests.hash
            // Every wrong credential is charged to one address here: the limit is not what this table is about.
            config.rateLimits.passwordFailuresPerAddress = RateLimit(burst: 10_000, perSecond: 1)
            config.rateLimits.enrollPerAddress = RateLimit(burst: 10_000, perSecond: 1)
            let h = try await Harness.make(config: config)
            let token = try await h.addDevice("pi-1")
            try await Users(store: h.store, clock: h.clock, cost: 4).add("vera", role: .viewer, password: "vera pass")
            let readKey = try await h.collector.access.keys.add("grafana", scope: .read).key
            let adminKey = try await h.collector.access.keys.add("ha", scope: .admin).key
            try await StatusPages(store: h.store, clock: h.clock, cost: 4).add("home", title: "Home", select: "tag:x")
            // A job of the same name as the device, so the job routes' reads answer 200 to whoever may read.
            _ = try await JobAdmin(store: h.store, zone: .gmt, clock: h.clock).add(
                .init(name: "pi-1", device: "pi-1", every: "1d", cron: nil))
            // Open event streams end at once, so the stream's row answers like any other.
            h.collector.sweeper.flips.changes.close()
            return World(h: h, token: token, readKey: readKey, adminKey: adminKey)
        }

        /// The headers of a caller: a fresh session (a logout in one row ends no other) or a bearer, and the form
        /// fields a POST of this caller carries.
        func credentials(_ caller: Caller) async throws -> (HTTPFields, csrf: String) {
            var headers: HTTPFields = [.origin: AdminPagesTests.origin]
            switch caller {
            case .anonymous: return (headers, "")
            case .viewer, .admin:
                let account = Account(
                    name: caller == .viewer ? "vera" : "admin", role: caller == .viewer ? .viewer : .admin)
                let (id, session) = try await h.collector.access.sessions.start(account)
                headers[.cookie] = "\(AdminRequest.cookieName)=\(id)"
                return (headers, session.csrf)
            case .trustedHeader, .untrustedHeader:
                headers[HTTPField.Name("Remote-User")!] = "vera"
                return (headers, h.collector.access.sessions.proxied(Account(name: "vera", role: .viewer)).csrf)
            case .readKey, .adminKey, .deviceToken:
                headers[.authorization] = "Bearer " + [.readKey: readKey, .adminKey: adminKey][caller, default: token]
                return (headers, "")
            }
        }
    }

    /// The URI and body of a route: real names for reads, names that do not exist for admin changes (so a change
    /// let through answers 404 and changes nothing the next rows read).
    static func request(_ route: String, _ w: World, csrf: String) -> (uri: String, body: String, form: Bool) {
        let parts = route.split(separator: " ")
        let post = parts[0] == "POST"
        let adminChange = post && parts[1].hasPrefix("/admin/")
        let uri = String(parts[1])
            .replacingOccurrences(of: "/admin/users/{name}", with: "/admin/users/nobody")
            .replacingOccurrences(of: "{name}", with: adminChange ? "gone" : "pi-1")
            .replacingOccurrences(of: "{token}", with: w.token).replacingOccurrences(of: "{id}", with: "none")
            .replacingOccurrences(of: "{file}", with: "pi-1.svg").replacingOccurrences(of: "{page}", with: "home")
            .replacingOccurrences(of: "{key}", with: "no-such-key").replacingOccurrences(of: "{action}", with: "start")
        if !post { return (uri, "", false) }
        if parts[1].hasPrefix("/admin/") || parts[1].hasPrefix("/ping/") {
            let form = "csrf=\(csrf)&password=wrong+password&again=wrong+password"
            return (uri, form, parts[1].hasPrefix("/admin/"))
        }
        switch parts[1] {
        case "/api/v1/heartbeat": return (uri, heartbeatJSON("pi-1", seq: 1), false)
        case "/api/v1/events": return (uri, IngestTests.outageBatch(id: UUID()), false)
        default: return (uri, #"{"device":"pi-9","enrollment_key":"guess"}"#, false)
        }
    }

    @Test func everyRouteHasARow() async throws {
        let w = try await World.make()
        let routes = Set(
            buildRouter(w.h.collector).routes.filter { $0.method != .head }
                .map { "\($0.method.rawValue) \($0.path.description)" })
        #expect(routes.subtracting(Self.table.keys).sorted() == [], "routes without a row in AccessTableTests.table")
        #expect(Set(Self.table.keys).subtracting(routes).sorted() == [], "rows of routes the router does not have")
    }

    @Test func everyCallerGetsItsStatusOnEveryRoute() async throws {
        let w = try await World.make()
        try await Self.run(w, Caller.allCases.filter { $0 != .untrustedHeader })
        // The same header from an address that is no trusted proxy: ignored.
        try await Self.run(try await World.make(trusted: "127.0.0.2/32"), [.untrustedHeader])
        // Nothing the admin's let-through changes touched exists, and the viewer's were refused before anything.
        #expect(try await w.h.collector.admin.devices.devices().map(\.name) == ["pi-1"])
        #expect(try await w.h.collector.access.users.list().map(\.name) == ["vera"])
        #expect(try await w.h.collector.statusPages.list().map(\.name) == ["home"])
    }

    /// Every row for `callers`, over a real socket from 127.0.0.1.
    static func run(_ w: World, _ callers: [Caller]) async throws {
        try await Application(router: buildRouter(w.h.collector)).test(.live) { client in
            for (route, statuses) in Self.table.sorted(by: { $0.key < $1.key }) {
                for caller in callers {
                    var (headers, csrf) = try await w.credentials(caller)
                    let (uri, body, form) = Self.request(route, w, csrf: csrf)
                    headers[.contentType] = form ? "application/x-www-form-urlencoded" : "application/json"
                    let method: HTTPRequest.Method = route.hasPrefix("POST") ? .post : .get
                    let status = try await client.execute(
                        uri: uri, method: method, headers: headers, body: ByteBuffer(string: body)
                    ) { $0.status.code }
                    #expect(status == statuses[caller.rawValue], "\(route) as \(caller)")
                }
            }
        }
    }
}
