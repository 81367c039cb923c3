#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The token a successful enrollment hands out; it is shown once.
public struct EnrollReply: Codable, Sendable, Equatable {
    public var token: String
    public init(token: String) { self.token = token }
}
