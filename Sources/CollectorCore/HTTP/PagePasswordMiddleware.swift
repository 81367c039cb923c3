import CollectorRules
import DowntimeProtocol
import Foundation
import Hummingbird

/// The optional password of the read side (pages, read API, badges, metrics): HTTP Basic, any user name, or a
/// logged-in account's session (a viewer's or an admin's). Agents' writes, pings and the health check stay open:
/// they carry their own tokens or nothing to hide; so do the admin pages, which ask for a session of their own
/// (`AdminController`). What each caller may do is `AccessRule`'s.
struct PagePasswordMiddleware: RouterMiddleware {
    typealias Context = CollectorRequestContext
    let passwordHash: [UInt8]
    /// Charged for each wrong or missing password, per client address.
    let failures: RateLimiter
    let sessions: AdminSessions

    init(password: String, failures: RateLimiter, sessions: AdminSessions) {
        passwordHash = Tokens.hash(password)
        self.failures = failures
        self.sessions = sessions
    }

    /// The agents' writes, built once: this check runs on every request.
    static let agentPaths: Set<String> = Set(
        ["heartbeat", "events", "enroll"].map { WireProtocol.apiPrefix + "/" + $0 })

    /// Paths that never ask for the page password.
    static func isOpen(_ path: String) -> Bool {
        path == "/healthz" || path.hasPrefix("/ping/") || path == InstallLines.reporterPath || agentPaths.contains(path)
            || path == "/admin" || path.hasPrefix("/admin/")
    }

    /// Who the request is: the page password's holder, a logged-in account, or anonymous.
    func principal(_ request: Request) async throws -> Principal {
        if let given = Self.password(fromBasic: request.headers[.authorization]),
            Tokens.constantTimeEqual(Tokens.hash(given), passwordHash)
        {
            return .pagePassword
        }
        if let session = try await sessions.session(AdminRequest.sessionID(cookie: request.headers[.cookie])) {
            return .account(session.account)
        }
        return .anonymous
    }

    /// The password of an `Authorization: Basic base64(user:password)` header value.
    static func password(fromBasic header: String?) -> String? {
        guard let header, header.lowercased().hasPrefix("basic "),
            let data = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
            let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return nil }
        return String(text[text.index(after: colon)...])
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let route: AccessRule.Route = Self.isOpen(request.uri.path) ? .open : .read
        if route == .open { return try await next(request, context) }
        if AccessRule.decide(route, try await principal(request), readGuarded: true) == .allow {
            return try await next(request, context)
        }
        // Only a wrong password is charged: a browser's first request never carries one.
        if request.headers[.authorization] != nil {
            try failures.check(context.clientAddress ?? "unknown")
        }
        var response = JSONErrorMiddleware<Context>.response(
            APIError(.unauthorized, "this collector's pages need a password"))
        response.headers[.wwwAuthenticate] = "Basic realm=\"DowntimeMon\", charset=\"UTF-8\""
        return response
    }
}
