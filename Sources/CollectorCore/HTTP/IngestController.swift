import DowntimeProtocol
import Hummingbird

/// The routes agents write to: heartbeat, events and enrollment.
struct IngestController {
    let collector: Collector
    let limits: RateLimiters

    func addRoutes(to group: RouterGroup<CollectorRequestContext>) {
        group.post("heartbeat") { request, _ in
            let token = Tokens.bearer(request.headers[.authorization])
            // No token is a 401 whatever the body holds (it was a 400 when the body was also bad).
            guard token != nil else { throw IngestError.missingToken }
            let hb = try await JSONIO.decode(Heartbeat.self, from: request, limit: collector.config.maxBodyBytes)
            // Limited after authorization, so nobody can use up another device's allowance.
            try limits.ingest.check(try await collector.ingest.authorize(token, for: hb.device))
            return JSONIO.response(json: try await collector.ingest.beat(hb).wireBytes)
        }
        group.post("events") { request, _ in
            let token = Tokens.bearer(request.headers[.authorization])
            // Refuse a missing token before reading the body: nothing to learn for an anonymous client.
            guard token != nil else { throw IngestError.missingToken }
            let batch = try await JSONIO.decode(EventBatch.self, from: request, limit: collector.config.maxBodyBytes)
            guard let first = batch.events.first else { return try JSONIO.response(EventBatchReply(accepted: [])) }
            let device = try await collector.ingest.authorize(token, for: first.device, field: "events[0].device")
            try limits.ingest.check(device)
            return try JSONIO.response(try await collector.ingest.events(batch, device: device))
        }
        group.post("enroll") { request, context in
            // Every attempt counts, before the key is looked at: guessing it costs time.
            try limits.enroll.check(context.clientAddress ?? "unknown")
            let req = try await JSONIO.decode(EnrollRequest.self, from: request, limit: collector.config.maxBodyBytes)
            return try JSONIO.response(try await collector.ingest.enroll(req))
        }
    }
}
