import DowntimeProtocol
import Hummingbird
import Logging

/// Turns every error into a JSON `{"error","field"}` answer; only a fault of ours is a 500.
/// A store that cannot serve now (full, failing, out of reach) is a 503 with `Retry-After`, logged once per
/// change of state by `storeFault` (the collector's health), not a line per request.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    var storeFault: @Sendable (any Error) -> StoreFault? = { StoreFault.classify($0) }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let e as APIError {
            return Self.response(e)
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
            context.logger.error("request failed: \(String(reflecting: error))", metadata: ["path": "\(request.uri.path)"])
            return Self.response(APIError(.internalServerError, "internal error"))
        }
    }

    /// The answer to a request the store could not serve now: the client keeps its data and retries.
    static func unavailable(_ fault: StoreFault) -> APIError {
        APIError(.serviceUnavailable, "the collector's store is failing (\(fault.label)); retry later",
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

/// Helpers shared by the controllers for JSON in and out.
enum JSONIO {
    /// Reads a JSON body: 415 for another content type, 413 past the limit, 400 naming the field when invalid.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int) async throws -> T {
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.split(separator: ";").first?.trimmingCharacters(in: .whitespaces) == "application/json" else {
            throw APIError(.unsupportedMediaType, "Content-Type must be application/json")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch let e as any HTTPResponseError where e.status == .contentTooLarge {
            throw APIError(.contentTooLarge, "body larger than \(limit) bytes")
        } catch {
            // The HTTP layer could not read the body (a broken chunked encoding, say): the client's fault, not ours.
            throw APIError(.badRequest, "malformed request body")
        }
        do {
            return try WireCoding.decode(T.self, from: buffer.readableBytesView)
        } catch {
            throw APIError.badRequest(error)
        }
    }

    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        response(json: try WireCoding.encode(value), status: status)
    }

    /// An answer of JSON already written (by `JSONWriter`, or a reply written directly).
    static func response(json: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }

    static func text(_ text: String, contentType: String, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: contentType]
        headers.append(contentsOf: extra)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// A device name from the path: 400 naming `name` when it breaks the rules.
    static func deviceName(_ context: some RequestContext) throws -> String {
        let raw = context.parameters.get("name") ?? ""
        guard let name = DeviceName.normalize(raw) else {
            throw APIError(.badRequest, "device name must match [a-z0-9][a-z0-9._-]{0,62}", field: "name")
        }
        return name
    }
}
