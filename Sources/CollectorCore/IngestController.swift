import DowntimeProtocol
import Hummingbird

/// The routes agents write to: heartbeat, events and enrollment.
struct IngestController<Context: RequestContext> {
    let collector: Collector

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("heartbeat") { request, _ in
            let hb = try await JSONIO.decode(Heartbeat.self, from: request, limit: collector.config.maxBodyBytes)
            let reply = try await collector.heartbeat(hb, token: Tokens.bearer(request.headers[.authorization]))
            return try JSONIO.response(reply)
        }
        group.post("events") { request, _ in
            let token = Tokens.bearer(request.headers[.authorization])
            // Refuse a missing token before reading the body: nothing to learn for an anonymous client.
            guard token != nil else { throw APIError.missingToken }
            let batch = try await JSONIO.decode(EventBatch.self, from: request, limit: collector.config.maxBodyBytes)
            return try JSONIO.response(try await collector.ingest(batch, token: token))
        }
        group.post("enroll") { request, _ in
            let req = try await JSONIO.decode(EnrollRequest.self, from: request, limit: collector.config.maxBodyBytes)
            return try JSONIO.response(try await collector.enroll(req))
        }
    }
}
