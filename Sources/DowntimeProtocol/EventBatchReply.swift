#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The answer to an event batch: the ids now safely stored (including ones stored before).
public struct EventBatchReply: Codable, Sendable, Equatable {
    public var accepted: [UUID]
    public init(accepted: [UUID]) { self.accepted = accepted }

    enum CodingKeys: String, CodingKey { case accepted }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(accepted.map(\.wireString), forKey: .accepted)
    }
}
