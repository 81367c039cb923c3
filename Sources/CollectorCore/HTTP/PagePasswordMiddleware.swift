import DowntimeProtocol
import Foundation
import Hummingbird

/// The optional password of the read side (pages, read API, badges, metrics): HTTP Basic, any user name.
/// Agents' writes, pings and the health check stay open: they carry their own tokens or nothing to hide.
struct PagePasswordMiddleware: RouterMiddleware {
    typealias Context = CollectorRequestContext
    let passwordHash: [UInt8]
    /// Charged for each wrong or missing password, per client address.
    let failures: RateLimiter

    init(password: String, failures: RateLimiter) {
        passwordHash = Tokens.hash(password)
        self.failures = failures
    }

    /// The agents' writes, built once: this check runs on every request.
    static let agentPaths: Set<String> = Set(
        ["heartbeat", "events", "enroll"].map { WireProtocol.apiPrefix + "/" + $0 })

    /// Paths that never ask for the page password.
    static func isOpen(_ path: String) -> Bool {
        path == "/healthz" || path.hasPrefix("/ping/") || path == InstallLines.reporterPath || agentPaths.contains(path)
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
        if Self.isOpen(request.uri.path) { return try await next(request, context) }
        if let given = Self.password(fromBasic: request.headers[.authorization]),
            Tokens.constantTimeEqual(Tokens.hash(given), passwordHash)
        {
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
