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
