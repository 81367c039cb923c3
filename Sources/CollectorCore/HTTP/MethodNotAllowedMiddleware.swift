import Hummingbird
import Synchronization

/// Answers 405 with `Allow` when the path exists under other methods; Hummingbird alone says 404.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    let table: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let e as HTTPError where e.status == .notFound {
            let allowed = table.methods(for: request.uri.path)
            guard !allowed.isEmpty, !allowed.contains(request.method) else { throw e }
            var response = JSONErrorMiddleware<Context>.response(
                APIError(.methodNotAllowed, "method \(request.method) not allowed here"))
            // The router answers HEAD wherever it answers GET.
            let methods = Set(allowed.map(\.rawValue) + (allowed.contains(.get) ? ["HEAD"] : []))
            response.headers[.allow] = methods.sorted().joined(separator: ", ")
            return response
        }
    }
}
