import CollectorRules
import DowntimeProtocol
import Foundation
import Hummingbird

/// The public status pages, without login (docs/DESIGN.md "Public status pages"): `/status/NAME` (HTML),
/// `/status/NAME.json`, and `/status/NAME/stream` (the event stream of its devices only, under their labels). A page
/// with a password asks for it (`POST /status/NAME`) and is opened by a cookie of its own; an unknown page is 404.
struct StatusController {
    typealias Context = CollectorRequestContext
    let collector: Collector
    let keepAlive: Duration
    /// Charged for each wrong password per client address.
    let failures: RateLimiter

    init(collector: Collector, keepAlive: Duration) {
        self.collector = collector
        self.keepAlive = keepAlive
        failures = RateLimiter(collector.config.rateLimits.passwordFailuresPerAddress, clock: collector.clock.wall)
    }

    var pages: StatusPages { collector.statusPages }

    func addRoutes(to router: Router<Context>) {
        router.get("/status/{page}") { request, context in
            let file = context.parameters.get("page") ?? ""
            let json = file.hasSuffix(".json")
            guard let page = try await pages.page(json ? String(file.dropLast(5)) : file) else {
                if json { throw APIError(.notFound, "no status page \(file.dropLast(5))", field: "page") }
                return Self.html(StatusPageView.notFound(), status: .notFound)
            }
            guard Self.isOpen(page, request) else {
                if json { throw APIError(.unauthorized, "this status page needs its password", field: "password") }
                return Self.html(StatusPageView.locked(page.name, wrong: false), status: .unauthorized)
            }
            // Taken before the model: a flip recorded meanwhile is replayed to the page's stream.
            let feed = collector.sweeper.flips.changes.position
            let model = try await collector.reads.statusPage(page)
            let now = collector.clock.wall.now()
            if json {
                var response = JSONIO.response(json: StatusPageView.json(model, now: now))
                response.headers[.cacheControl] = "no-store"
                return response
            }
            return Self.html(StatusPageView.html(model, page: page.name, feed: feed, now: now))
        }
        router.post("/status/{page}") { request, context in
            try await unlock(request, context)
        }
        router.get("/status/{page}/stream") { request, context in
            let name = context.parameters.get("page") ?? ""
            guard let page = try await pages.page(name) else {
                throw APIError(.notFound, "no status page \(name)", field: "page")
            }
            guard Self.isOpen(page, request) else {
                throw APIError(.unauthorized, "this status page needs its password", field: "password")
            }
            // The page's devices as they are when the stream opens; a reload picks up a changed selection.
            let labels = Dictionary(await collector.reads.statusMembers(page).map { ($0.device, $0.label) }) { a, _ in a
            }
            return try StreamController<Context>.stream(
                request, feed: collector.sweeper.flips.changes, keepAlive: keepAlive
            ) { change in
                guard let label = labels[change.device] else { return nil }
                var shown = change
                shown.device = label
                return shown
            }
        }
    }

    /// A password sent from the page's form: the page's cookie and back to it, or the form again (403).
    private func unlock(_ request: Request, _ context: Context) async throws -> Response {
        let name = context.parameters.get("page") ?? ""
        guard let page = try await pages.page(name) else {
            return Self.html(StatusPageView.notFound(), status: .notFound)
        }
        guard let cookie = StatusPages.cookieValue(page) else { return Self.redirect(page) }
        guard AdminController.sameOrigin(request) else { return AdminController.refusedOrigin() }
        let address = AdminController.address(context)
        if let wait = failures.waiting(address) { return AdminController.tooMany(wait) }
        let form = try await AdminController.form(request) ?? [:]
        guard try await StatusPages.unlocks(page, password: form["password"] ?? "") else {
            collector.logger.notice("status page \(page.name): wrong password from \(address)")
            if let wait = failures.take(address) { return AdminController.tooMany(wait) }
            return Self.html(StatusPageView.locked(page.name, wrong: true), status: .forbidden)
        }
        var response = Self.redirect(page)
        let secure = collector.config.tlsCert != nil ? "; Secure" : ""
        response.headers[.setCookie] =
            "\(StatusPages.cookieName(page))=\(cookie); HttpOnly; SameSite=Lax; Path=/status; Max-Age=2592000\(secure)"
        return response
    }

    /// A page without a password, or a request with its cookie.
    static func isOpen(_ page: StatusPageRecord, _ request: Request) -> Bool {
        guard let expected = StatusPages.cookieValue(page) else { return true }
        guard let given = AdminRequest.cookie(StatusPages.cookieName(page), in: request.headers[.cookie]) else {
            return false
        }
        return Tokens.constantTimeEqual(Array(given.utf8), Array(expected.utf8))
    }

    static func redirect(_ page: StatusPageRecord) -> Response {
        Response(status: .seeOther, headers: [.location: "/status/\(page.name)", .cacheControl: "no-store"])
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
