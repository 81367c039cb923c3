import DowntimeProtocol
import Hummingbird

/// A client error answered as JSON `{"error","field"}` with its status.
public struct APIError: Error, Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var message: String
    public var field: String?
    /// Seconds for a `Retry-After` header (429 answers).
    public var retryAfter: Int?

    public init(_ status: HTTPResponse.Status, _ message: String, field: String? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.message = message
        self.field = field
        self.retryAfter = retryAfter
    }

    public static func badRequest(_ e: WireValidationError) -> APIError {
        APIError(
            .badRequest, e.field.isEmpty ? e.message : "\(e.field) \(e.message)", field: e.field.isEmpty ? nil : e.field
        )
    }

    static let missingToken = APIError(.unauthorized, "missing or malformed Authorization: Bearer token")
    static let badToken = APIError(.unauthorized, "unknown token")
    static func wrongDevice(_ field: String) -> APIError {
        APIError(.forbidden, "this token belongs to another device", field: field)
    }
    public static func noDevice(_ name: String) -> APIError {
        APIError(.notFound, "no device named \(name)", field: "name")
    }
}

extension APIError {
    /// An admin change refused, as an answer: 404 for what does not exist, 409 for a taken name, 400 otherwise.
    init(_ error: AdminError, field: String? = nil) {
        let status: HTTPResponse.Status =
            switch error {
            case .noDevice, .noWindow: .notFound
            case .nameTaken: .conflict
            default: .badRequest
            }
        self.init(status, error.description, field: field)
    }
}
