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

    public static func noDevice(_ name: String) -> APIError {
        APIError(.notFound, "no device named \(name)", field: "name")
    }

    public static func noJob(_ name: String) -> APIError {
        APIError(.notFound, "no job named \(name)", field: "name")
    }
}

extension APIError {
    /// An agent's or a ping's request refused: 401 without a known token, 403 for another device's, 400 otherwise.
    init(_ error: IngestError) {
        switch error {
        case .missingToken: self.init(.unauthorized, "missing or malformed Authorization: Bearer token")
        case .badToken: self.init(.unauthorized, "unknown token")
        case .wrongDevice(let field): self.init(.forbidden, "this token belongs to another device", field: field)
        case .collectorOnly(let kind, let field):
            self.init(.badRequest, "kind \(kind.rawValue) is recorded by the collector only", field: field)
        case .enrollmentOff: self.init(.forbidden, "enrollment is off on this collector", field: "enrollment_key")
        case .wrongEnrollmentKey: self.init(.forbidden, "wrong enrollment key", field: "enrollment_key")
        case .refused(let admin): self.init(admin, field: "device")
        }
    }

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
