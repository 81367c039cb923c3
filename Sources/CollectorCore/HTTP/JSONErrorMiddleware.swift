import CollectorRules
import DowntimeProtocol
import Hummingbird
import Logging

/// Turns every error into a JSON `{"error","field"}` answer; only a fault of ours is a 500.
/// A store that cannot serve now (full, failing, out of reach) is a 503 with `Retry-After`, logged once per
/// change of state by `storeFault` (the collector's health), not a line per request.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    var storeFault: @Sendable (any Error) -> StoreFault? = { StoreFault.classify($0) }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let e as APIError {
            return Self.response(e)
        } catch let e as IngestError {
            return Self.response(APIError(e))
        } catch let e as QueryError {
            return Self.response(APIError(.badRequest, e.message, field: e.field))
        } catch let e as WireValidationError {
            return Self.response(.badRequest(e))
        } catch let e as HTTPError {
            return Self.response(APIError(e.status, e.body ?? e.status.reasonPhrase.lowercased()))
        } catch let e as any HTTPResponseError {
            return Self.response(APIError(e.status, e.status.reasonPhrase.lowercased()))
        } catch {
            if let fault = storeFault(error) {
                return Self.response(Self.unavailable(fault))
            }
            context.logger.error(
                "request failed: \(String(reflecting: error))", metadata: ["path": "\(request.uri.path)"])
            return Self.response(APIError(.internalServerError, "internal error"))
        }
    }

    /// The answer to a request the store could not serve now: the client keeps its data and retries.
    static func unavailable(_ fault: StoreFault) -> APIError {
        APIError(
            .serviceUnavailable, "the collector's store is failing (\(fault.label)); retry later",
            retryAfter: StoreFault.retryAfter)
    }

    static func response(_ e: APIError) -> Response {
        let body = (try? WireCoding.encode(ErrorBody(error: e.message, field: e.field))) ?? Array("{}".utf8)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if e.status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        if let wait = e.retryAfter { headers[.retryAfter] = String(wait) }
        return Response(status: e.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
