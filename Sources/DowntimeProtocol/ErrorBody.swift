#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Every error answer: `{"error": "...", "field": "..."}`.
public struct ErrorBody: Codable, Sendable, Equatable {
    public var error: String
    public var field: String?
    public init(error: String, field: String? = nil) {
        self.error = error
        self.field = field
    }
}
