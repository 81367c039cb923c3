import CollectorRules
import DowntimeProtocol
import Foundation
import Hummingbird
import Logging

/// The admin pages (`/admin`): every URL is 404 while no one can log in (no `DOWNTIME_ADMIN_PASSWORD_HASH`, no
/// stored user). Every change goes through `DeviceAdmin` or `Users`, as the CLI's do, and reaches the live fleet at
/// once (`Collector.adminChanged`). Viewers see the pages without their forms; what they may not do is decided by
/// `AccessRule` and answered 403. Every POST is checked, before anything changes, for a session, its role, its own
/// CSRF token and a request from this collector's pages.
struct AdminController {
    typealias Context = CollectorRequestContext
    typealias Session = AdminSessions.Session
    let collector: Collector
    /// Charged for each wrong password per client address; an address out of tries is refused before checking.
    let loginFailures: RateLimiter

    /// Who did a change, for its log line.
    struct Caller: Sendable, CustomStringConvertible {
        let user: String
        let address: String
        var description: String { "from \(address) as \(user)" }
    }

    init(collector: Collector) {
        self.collector = collector
        loginFailures = RateLimiter(collector.config.rateLimits.passwordFailuresPerAddress, clock: collector.clock.wall)
    }

    var sessions: AdminSessions { collector.access.sessions }
    var users: Users { collector.access.users }

    var tls: Bool { collector.config.tlsCert != nil }
    var admin: DeviceAdmin { collector.admin.devices }

    func addRoutes(to router: Router<Context>) {
        addSessionRoutes(router)
        addDeviceRoutes(router)
        addDeviceChangeRoutes(router)
        addUserRoutes(router)
        addStatusPageRoutes(router)
        addJobRoutes(router)
        addAlertRoutes(router)
    }

    /// Logging in and out.
    private func addSessionRoutes(_ router: Router<Context>) {
        router.get("/admin/login") { request, context in
            try await requireEnabled()
            if try await currentSession(request, context) != nil { return Self.redirect("/admin") }
            return Self.page(AdminPage.login(error: nil))
        }
        router.post("/admin/login") { request, context in
            try await requireEnabled()
            return try await login(request, address: Self.address(context))
        }
        post("/admin/logout", router, .adminView) { _, session, _, caller in
            try await sessions.end(session)
            logAction(caller, "logged out")
            var response = Self.redirect("/admin/login")
            response.headers[.setCookie] = AdminRequest.clearedCookie(secure: tls)
            return response
        }
    }

    /// The device list, a device's page, adding and removing.
    private func addDeviceRoutes(_ router: Router<Context>) {
        get("/admin", router, .adminView) { _, session in
            let views = Dictionary(try await collector.reads.deviceViews().map { ($0.name, $0) }) { a, _ in a }
            let records = try await admin.devices()
            return Self.page(AdminPage.devices(records, views: views, session: AdminPage.LoggedIn(session)))
        }
        post("/admin/devices", router) { request, session, form, caller in
            try await add(form, request: request, session: session, caller: caller)
        }
        getDevice("/admin/devices/{name}", router, .adminView) { _, session, name in
            guard let record = try await admin.devices().first(where: { $0.name == name }) else {
                throw AdminError.noDevice(name)
            }
            let view = try await collector.reads.deviceView(name)
            return Self.page(AdminPage.device(record, view: view, session: AdminPage.LoggedIn(session), notice: nil))
        }
        getDevice("/admin/devices/{name}/remove", router, .adminChange) { _, session, name in
            try await requireDevice(name)
            return Self.page(AdminPage.confirmRemove(name, session: AdminPage.LoggedIn(session)))
        }
        postDevice("/admin/devices/{name}/remove", router) { _, _, _, caller, name in
            try await admin.remove(name)
            try await changed(caller, "removed \(name)")
            return Self.redirect("/admin")
        }
    }

    /// A device's settings: pause, maintenance, interval, tags, display name and token.
    private func addDeviceChangeRoutes(_ router: Router<Context>) {
        for paused in [true, false] {
            let path = RouterPath("/admin/devices/{name}/" + (paused ? "pause" : "resume"))
            postDevice(path, router) { _, _, _, caller, name in
                try await admin.setPaused(paused, device: name)
                try await changed(caller, "\(paused ? "paused" : "resumed") \(name)")
                return Self.redirect("/admin/devices/\(name)")
            }
        }
        postDevice("/admin/devices/{name}/maintenance", router) { _, _, form, caller, name in
            try await requireDevice(name)
            let window = try await admin.startMaintenance("device:\(name)", for: form["duration"] ?? "")
            try await changed(caller, "maintenance \(window.window.spec) (id \(window.id))")
            return Self.redirect("/admin/devices/\(name)")
        }
        postDevice("/admin/devices/{name}/interval", router) { _, _, form, caller, name in
            let seconds = try Self.interval(form["seconds"])
            try await admin.setInterval(seconds, device: name)
            try await changed(caller, "interval of \(name) " + (seconds.map { "\($0) s" } ?? "cleared"))
            return Self.redirect("/admin/devices/\(name)")
        }
        postDevice("/admin/devices/{name}/tags", router) { _, _, form, caller, name in
            let tagged = try await admin.setTags(Self.words(form["tags"]), device: name)
            try await changed(caller, "tags of \(name): \(tagged.tags.joined(separator: " "))")
            return Self.redirect("/admin/devices/\(name)")
        }
        postDevice("/admin/devices/{name}/display", router) { _, _, form, caller, name in
            // Empty: no display name (public status pages then show "Device 1"...).
            let text = (form["display"] ?? "").trimmingCharacters(in: .whitespaces)
            let set = try await admin.setDisplayName(text.isEmpty ? nil : text, device: name)
            try await changed(caller, "display name of \(name): " + (set.shown ?? "cleared"))
            return Self.redirect("/admin/devices/\(name)")
        }
        postDevice("/admin/devices/{name}/token", router) { request, session, _, caller, name in
            let new = try await admin.regenerateToken(device: name)
            try await changed(caller, "new token for \(name)")
            return Self.page(
                AdminPage.token(
                    device: name, token: new.token, lines: lines(request, name, new.token),
                    added: false, session: AdminPage.LoggedIn(session)))
        }
    }

    // MARK: actions

    private func login(_ request: Request, address: String) async throws -> Response {
        guard Self.sameOrigin(request) else { return Self.refusedOrigin() }
        if let wait = loginFailures.waiting(address) { return Self.tooMany(wait) }
        let form = try await Self.form(request)
        guard let form else { return Self.badForm() }
        let name = (form["user"] ?? "").trimmingCharacters(in: .whitespaces)
        guard let account = try await users.authenticate(name: name, password: form["password"] ?? "") else {
            collector.logger.notice("admin: wrong password from \(address)")
            if let wait = loginFailures.take(address) { return Self.tooMany(wait) }
            return Self.page(AdminPage.login(error: "Wrong user name or password."), status: .unauthorized)
        }
        let started = try await sessions.start(account)
        logAction(Caller(user: account.name, address: address), "logged in")
        var response = Self.redirect("/admin")
        response.headers[.setCookie] = AdminRequest.sessionCookie(started.id, secure: tls)
        return response
    }

    /// Adds a device with its tags and interval; when those are refused, the device is removed again.
    private func add(_ form: [String: String], request: Request, session: Session, caller: Caller) async throws
        -> Response
    {
        let interval = try Self.interval(form["interval"])
        let added = try await collector.admin.addDevice(form["name"] ?? "")
        let name = added.record.name
        do {
            let tags = Self.words(form["tags"])
            if !tags.isEmpty { try await admin.setTags(tags, device: name) }
            if let interval { try await admin.setInterval(interval, device: name) }
        } catch {
            try await admin.remove(name)
            try await collector.admin.changed()
            throw error
        }
        try await changed(caller, "added \(name)")
        return Self.page(
            AdminPage.token(
                device: name, token: added.token, lines: lines(request, name, added.token),
                added: true, session: AdminPage.LoggedIn(session)))
    }

    /// The reporter lines for the collector as this browser reached it; nil for a Host header that is no host.
    private func lines(_ request: Request, _ device: String, _ token: String) -> InstallLines? {
        guard let url = AdminRequest.collectorURL(host: request.head.authority, tls: tls) else {
            return nil
        }
        // The pin is read from the key as served now (openssl, once per shown token).
        let pin = tls ? collector.config.tlsKey.flatMap { try? CertificateMaker.pin(ofKey: $0) } : nil
        return InstallLines(collectorURL: url, device: device, token: token, tls: tls, pin: pin)
    }

    private func requireDevice(_ name: String) async throws {
        guard try await admin.devices().contains(where: { $0.name == name }) else { throw AdminError.noDevice(name) }
    }

    /// A change made: into the live fleet now, and one log line with who made it.
    func changed(_ caller: Caller, _ what: String) async throws {
        try await collector.admin.changed()
        logAction(caller, what)
    }

    func logAction(_ caller: Caller, _ what: String) {
        collector.logger.notice("admin \(caller): \(what)")
    }

    // MARK: guards

    /// While no one can log in, the admin pages do not exist.
    func requireEnabled() async throws {
        guard try await users.anyLogin() else { throw HTTPError(.notFound) }
    }

    /// The session of the request: the account a trusted proxy names, else the cookie's live session.
    private func currentSession(_ request: Request, _ context: Context) async throws -> Session? {
        let proxy = collector.access.proxy
        if proxy.login != nil {
            let header = AccessMiddleware.proxyHeader(request, proxy)
            switch try await proxy.account(header: header, from: context.clientAddress) {
            case .account(let account): return sessions.proxied(account)
            case .refused: return nil
            case .none: break
            }
        }
        return try await sessions.session(AdminRequest.sessionID(cookie: request.headers[.cookie]))
    }

    /// The session of a logged-in account whose role may see a page of kind `route`; anyone else is sent to the
    /// login form, a role that may not is answered 403.
    private func viewing(_ request: Request, _ context: Context, _ route: AccessRule.Route) async throws -> Visit {
        try await requireEnabled()
        guard let session = try await currentSession(request, context) else {
            return .answer(Self.redirect("/admin/login"))
        }
        guard AccessRule.decide(route, .account(session.account), readGuarded: true) == .allow else {
            return .answer(Self.forbidden(session))
        }
        return .session(session)
    }

    /// A page's visitor: a session that may see it, or the answer to anyone else.
    private enum Visit {
        case session(Session)
        case answer(Response)
    }

    /// A page for a logged-in account.
    func get(
        _ path: RouterPath, _ router: Router<Context>, _ route: AccessRule.Route,
        _ body: @escaping @Sendable (Request, Session) async throws -> Response
    ) {
        router.get(path) { request, context in
            switch try await viewing(request, context, route) {
            case .answer(let response): return response
            case .session(let session): return try await Self.answering { try await body(request, session) }
            }
        }
    }

    /// A page about the device named in the path.
    private func getDevice(
        _ path: RouterPath, _ router: Router<Context>, _ route: AccessRule.Route,
        _ body: @escaping @Sendable (Request, Session, String) async throws -> Response
    ) {
        router.get(path) { request, context in
            switch try await viewing(request, context, route) {
            case .answer(let response): return response
            case .session(let session):
                return try await Self.answering { try await body(request, session, try Self.deviceName(context)) }
            }
        }
    }

    /// A change: refused before anything happens without a session, its role, its CSRF token and this collector's
    /// origin.
    func post(
        _ path: RouterPath, _ router: Router<Context>, _ route: AccessRule.Route = .adminChange,
        _ body: @escaping @Sendable (Request, Session, [String: String], Caller) async throws -> Response
    ) {
        router.post(path) { request, context in
            try await checked(request, context, route) { session, form, caller in
                try await body(request, session, form, caller)
            }
        }
    }

    /// A change to the device named in the path.
    func postDevice(
        _ path: RouterPath, _ router: Router<Context>,
        _ body: @escaping @Sendable (Request, Session, [String: String], Caller, String) async throws -> Response
    ) {
        router.post(path) { request, context in
            try await checked(request, context, .adminChange) { session, form, caller in
                try await body(request, session, form, caller, try Self.deviceName(context))
            }
        }
    }

    func checked(
        _ request: Request, _ context: Context, _ route: AccessRule.Route,
        _ body: (Session, [String: String], Caller) async throws -> Response
    ) async throws
        -> Response
    {
        try await requireEnabled()
        let address = Self.address(context)
        guard let session = try await currentSession(request, context) else {
            return Self.page(
                AdminPage.problem(
                    "Log in first", "Your admin session ended; log in again.",
                    back: "/admin/login"), status: .unauthorized)
        }
        let caller = Caller(user: session.account.name, address: address)
        guard AccessRule.decide(route, .account(session.account), readGuarded: true) == .allow else {
            collector.logger.notice("admin: change refused to a \(session.account.role.rawValue) \(caller)")
            return Self.forbidden(session)
        }
        guard Self.sameOrigin(request) else {
            collector.logger.notice("admin: form from another origin refused, from \(address)")
            return Self.refusedOrigin()
        }
        guard let form = try await Self.form(request) else { return Self.badForm() }
        guard AdminSessions.csrfMatches(form["csrf"], session) else {
            collector.logger.notice("admin: form without its session's CSRF token refused, from \(address)")
            return Self.page(
                AdminPage.problem(
                    "Refused",
                    "This form is out of date or not from this session; "
                        + "reload the page and try again.", back: "/admin"), status: .forbidden)
        }
        return try await Self.answering { try await body(session, form, caller) }
    }

    // MARK: answers

    static func address(_ context: Context) -> String { context.clientAddress ?? "unknown" }

    static func sameOrigin(_ request: Request) -> Bool {
        AdminRequest.isSameOrigin(
            origin: request.headers[.origin], referer: request.headers[.referer],
            host: request.head.authority)
    }

    static func deviceName(_ context: Context) throws -> String {
        try DeviceAdmin.deviceName(context.parameters.get("name") ?? "")
    }

    /// The fields of a form body; nil when it is not a form or too large.
    static func form(_ request: Request) async throws -> [String: String]? {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard
            type.split(separator: ";").first?.trimmingCharacters(in: .whitespaces)
                == "application/x-www-form-urlencoded"
        else { return nil }
        guard let buffer = try? await request.body.collect(upTo: 16 * 1024) else { return nil }
        return AdminRequest.form(String(buffer: buffer))
    }

    /// Runs a handler, turning a refused change into a page: 404 for what does not exist, else 400.
    static func answering(_ body: () async throws -> Response) async throws -> Response {
        do { return try await body() } catch let error as AdminError {
            let title = error.isNotFound ? "Not found" : "Not done"
            return page(
                AdminPage.problem(title, error.description, back: "/admin"),
                status: error.isNotFound ? .notFound : .badRequest)
        }
    }

    /// The seconds of an interval field; nil for an empty one.
    static func interval(_ text: String?) throws -> Int? {
        let text = (text ?? "").trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return nil }
        guard let seconds = Int(text) else { throw AdminError.invalidInterval }
        return seconds
    }

    /// Tags as typed: separated by spaces or commas.
    static func words(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }).map(String.init)
    }

    static func page(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        // Never cached: a page may show a token once.
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    /// A viewer at an admin's page or form.
    static func forbidden(_ session: Session) -> Response {
        page(
            AdminPage.problem(
                "Not allowed", "\(session.account.name) is a \(session.account.role.rawValue): this is for admins.",
                back: "/admin"), status: .forbidden)
    }

    static func refusedOrigin() -> Response {
        page(
            AdminPage.problem("Refused", "This form was not sent from this collector's own pages.", back: "/admin"),
            status: .forbidden)
    }

    static func badForm() -> Response {
        page(
            AdminPage.problem(
                "Bad form", "Send the form as application/x-www-form-urlencoded, at most 16 KiB.",
                back: "/admin"), status: .badRequest)
    }

    static func tooMany(_ wait: Int) -> Response {
        var response = page(
            AdminPage.problem(
                "Too many tries", "Too many wrong passwords; retry in \(wait) s.",
                back: "/admin/login"), status: .tooManyRequests)
        response.headers[.retryAfter] = String(wait)
        return response
    }
}
