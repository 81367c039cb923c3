import Hummingbird
import Synchronization

/// The router's routes as method and path patterns, filled in once every route is added.
final class RouteTable: Sendable {
    private let routes = Mutex<[(method: HTTPRequest.Method, segments: [Substring])]>([])

    func set(_ routes: [(method: HTTPRequest.Method, path: String)]) {
        self.routes.withLock { $0 = routes.map { ($0.method, $0.path.split(separator: "/")) } }
    }

    /// The methods some route answers on `path` with (`{param}` matches any one segment).
    func methods(for path: String) -> [HTTPRequest.Method] {
        let parts = path.split(separator: "/")
        return routes.withLock { routes in
            routes.filter { r in
                r.segments.count == parts.count
                    && zip(r.segments, parts).allSatisfy { $0.hasPrefix("{") && $0.hasSuffix("}") || $0 == $1 }
            }.map(\.method)
        }
    }
}

/// Answers 405 with `Allow` when the path exists under other methods; Hummingbird alone says 404.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    let table: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let e as HTTPError where e.status == .notFound {
            let allowed = table.methods(for: request.uri.path)
            guard !allowed.isEmpty, !allowed.contains(request.method) else { throw e }
            var response = JSONErrorMiddleware<Context>.response(APIError(.methodNotAllowed, "method \(request.method) not allowed here"))
            // The router answers HEAD wherever it answers GET.
            let methods = Set(allowed.map(\.rawValue) + (allowed.contains(.get) ? ["HEAD"] : []))
            response.headers[.allow] = methods.sorted().joined(separator: ", ")
            return response
        }
    }
}
