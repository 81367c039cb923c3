import DowntimeProtocol
import Hummingbird
import Logging

/// Helpers shared by the controllers for JSON in and out (text and HTML: `TextIO`).
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
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }
}
