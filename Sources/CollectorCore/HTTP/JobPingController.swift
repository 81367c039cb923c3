import CollectorRules
import DowntimeProtocol
import Hummingbird

/// Curl-only job runs (a NAS, a router, a cron with only curl): `/ping/job/{key}/start`, `/ping/job/{key}`
/// (success), `/ping/job/{key}/fail`, `/ping/job/{key}/{exit code}`, GET or POST, an optional body kept as the
/// output (its last 4 KB), an optional `rid` query parameter. An unknown key is 404 and stores nothing.
struct JobPingController<Context: RequestContext> {
    let collector: Collector
    let limits: RateLimiters

    func addRoutes(to router: Router<Context>) {
        for path: RouterPath in ["/ping/job/{key}", "/ping/job/{key}/{action}"] {
            let handler: @Sendable (Request, Context) async throws -> Response = { request, context in
                try await ping(request, context)
            }
            router.get(path, use: handler)
            router.post(path, use: handler)
        }
    }

    private func ping(_ request: Request, _ context: Context) async throws -> Response {
        let ping: JobPing
        let rid: String?
        do {
            ping = try JobPing.parse(action: context.parameters.get("action"))
            rid = try JobPing.checkRID(request.uri.queryParameters.get("rid"))
        } catch {
            throw APIError(.badRequest, error.description, field: error.field)
        }
        guard let job = try await collector.ingest.job(ofKey: context.parameters.get("key") ?? "") else {
            throw APIError(.notFound, "unknown job key")
        }
        // The same allowance as a device's beats and pings, per job.
        try limits.ingest.check("job \(job.name)")
        let output = try await body(request)
        try await collector.ingest.jobPing(ping, job: job, rid: rid, output: output)
        return TextIO.text("OK\n", contentType: "text/plain; charset=utf-8")
    }

    /// The body as bytes (any content type: it is the run's output); 413 past the collector's body limit.
    private func body(_ request: Request) async throws -> [UInt8] {
        let limit = collector.config.maxBodyBytes
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch let e as any HTTPResponseError where e.status == .contentTooLarge {
            throw APIError(.contentTooLarge, "body larger than \(limit) bytes")
        } catch {
            throw APIError(.badRequest, "malformed request body")
        }
    }
}
