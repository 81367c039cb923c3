import DowntimeProtocol
import Hummingbird

/// Curl-only reporting for devices that cannot run the agent: `/ping/{token}` is a heartbeat,
/// `/ping/{token}/fail` marks the device down now. GET and POST both work (cron, routers, wget).
struct PingController<Context: RequestContext> {
    let collector: Collector
    let limits: RateLimiters

    func addRoutes(to router: Router<Context>) {
        for fail in [false, true] {
            let path: RouterPath = fail ? "/ping/{token}/fail" : "/ping/{token}"
            let handler: @Sendable (Request, Context) async throws -> Response = { _, context in
                let token = context.parameters.get("token") ?? ""
                guard let device = try await collector.owner(ofToken: token) else { throw APIError(.notFound, "unknown token") }
                // A ping is a heartbeat: the same per-device allowance.
                try limits.ingest.check(device)
                try await collector.ping(device: device, fail: fail)
                return JSONIO.text("OK\n", contentType: "text/plain; charset=utf-8")
            }
            router.get(path, use: handler)
            router.post(path, use: handler)
        }
    }
}

/// Status badges: `/badge/{name}.svg`, `/badge/all.svg`, and the same with `.json` for dashboards.
struct BadgeController<Context: RequestContext> {
    let collector: Collector

    func addRoutes(to router: Router<Context>) {
        router.get("/badge/{file}") { _, context in
            let file = context.parameters.get("file") ?? ""
            let (base, ext) = file.hasSuffix(".svg") ? (file.dropLast(4), "svg") : file.hasSuffix(".json") ? (file.dropLast(5), "json") : ("", "")
            guard !ext.isEmpty else { throw APIError(.notFound, "badges are NAME.svg or NAME.json", field: "name") }
            let content: Badge.Content
            if base == "all" {
                content = Badge.content(all: try await collector.deviceViews())
            } else {
                guard let name = DeviceName.normalize(String(base)) else {
                    throw APIError(.badRequest, "device name must match [a-z0-9][a-z0-9._-]{0,62}", field: "name")
                }
                guard let view = try await collector.deviceView(name) else { throw APIError.noDevice(name) }
                content = Badge.content(view)
            }
            // Short cache: a badge on a dashboard should not lag the page by much.
            let headers: HTTPFields = [.cacheControl: "max-age=10"]
            if ext == "json" {
                var r = try JSONIO.response(content)
                r.headers[.cacheControl] = "max-age=10"
                return r
            }
            return JSONIO.text(Badge.svg(content), contentType: "image/svg+xml; charset=utf-8", headers: headers)
        }
    }
}
