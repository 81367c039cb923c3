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
                guard let device = try await collector.ingest.owner(ofToken: token) else {
                    throw APIError(.notFound, "unknown token")
                }
                // A ping is a heartbeat: the same per-device allowance.
                try limits.ingest.check(device)
                try await collector.ingest.ping(device: device, fail: fail)
                return TextIO.text("OK\n", contentType: "text/plain; charset=utf-8")
            }
            router.get(path, use: handler)
            router.post(path, use: handler)
        }
    }
}
