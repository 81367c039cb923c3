import CollectorRules
import DowntimeProtocol
import Foundation
import Hummingbird

/// Who may read: the optional page password (HTTP Basic, any user name), a logged-in account's session (a viewer's
/// or an admin's), or an API key (`Authorization: Bearer dtk_...`, on the read API and `/metrics` only). Agents'
/// writes, pings and the health check stay open: they carry their own tokens or nothing to hide; so do the admin
/// pages, which ask for a session of their own (`AdminController`), and the public status pages, which show only what
/// is public and ask for a password of their own when they have one (`StatusController`). What each caller may do is `AccessRule`'s.
struct AccessMiddleware: RouterMiddleware {
    typealias Context = CollectorRequestContext
    /// The page password's hash; nil when none is set (the read side is then open to anyone).
    let passwordHash: [UInt8]?
    /// Charged for each wrong password or key, per client address.
    let failures: RateLimiter
    let sessions: AdminSessions
    let keys: APIKeys
    let proxy: ProxyAccounts

    init(password: String?, failures: RateLimiter, access: Access) {
        passwordHash = password.map(Tokens.hash)
        self.failures = failures
        sessions = access.sessions
        keys = access.keys
        proxy = access.proxy
    }

    /// The value of the proxy's login header, when that login is on and the request has one.
    static func proxyHeader(_ request: Request, _ proxy: ProxyAccounts) -> String? {
        guard let name = proxy.login?.header.lowercased() else { return nil }
        return request.headers.first { $0.name.canonicalName == name }?.value
    }

    /// The agents' writes, built once: this check runs on every request.
    static let agentPaths: Set<String> = Set(
        ["heartbeat", "events", "enroll"].map { WireProtocol.apiPrefix + "/" + $0 })
    static let apiPath = WireProtocol.apiPrefix + "/"

    /// The kind of route a path is.
    static func route(_ path: String) -> AccessRule.Route {
        if path == "/healthz" || path.hasPrefix("/ping/") || path == InstallLines.reporterPath
            || agentPaths.contains(path) || path == "/admin" || path.hasPrefix("/admin/") || path.hasPrefix("/status/")
            || path.hasPrefix("/ack/")
        {
            return .open
        }
        return path.hasPrefix(apiPath) || path == "/metrics" ? .readAPI : .read
    }

    /// The password of an `Authorization: Basic base64(user:password)` header value.
    static func password(fromBasic header: String?) -> String? {
        guard let header, header.lowercased().hasPrefix("basic "),
            let data = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
            let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return nil }
        return String(text[text.index(after: colon)...])
    }

    /// Who the request is, by the credential it carried on a route of kind `route`.
    func principal(_ request: Request, _ route: AccessRule.Route, from address: String?) async throws -> Principal {
        let authorization = request.headers[.authorization]
        if route == .readAPI, let bearer = Tokens.bearer(authorization) {
            return try await keys.key(bearer).map { .apiKey(name: $0.name, scope: $0.scope) } ?? .rejected
        }
        if proxy.login != nil {
            switch try await proxy.account(header: Self.proxyHeader(request, proxy), from: address) {
            case .account(let account): return .account(account)
            case .refused: return .rejected
            case .none: break
            }
        }
        if let passwordHash, let given = Self.password(fromBasic: authorization),
            Tokens.constantTimeEqual(Tokens.hash(given), passwordHash)
        {
            return .pagePassword
        }
        if let session = try await sessions.session(AdminRequest.sessionID(cookie: request.headers[.cookie])) {
            return .account(session.account)
        }
        return .anonymous
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let route = Self.route(request.uri.path)
        if route == .open { return try await next(request, context) }
        let principal = try await principal(request, route, from: context.clientAddress)
        if AccessRule.decide(route, principal, readGuarded: passwordHash != nil) == .allow {
            return try await next(request, context)
        }
        // Only a wrong credential is charged: a browser's first request never carries one.
        if request.headers[.authorization] != nil {
            try failures.check(context.clientAddress ?? "unknown")
        }
        if principal == .rejected {
            return JSONErrorMiddleware<Context>.response(
                APIError(.unauthorized, "not an API key of this collector (a device's token is not one)"))
        }
        var response = JSONErrorMiddleware<Context>.response(
            APIError(.unauthorized, "this collector's pages need a password"))
        response.headers[.wwwAuthenticate] = "Basic realm=\"DowntimeMon\", charset=\"UTF-8\""
        return response
    }
}
