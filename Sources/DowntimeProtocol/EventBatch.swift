#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `POST /api/v1/events` body: a batch of events, at most `EventBatch.maxEvents`.
public struct EventBatch: Codable, Sendable, Equatable {
    public static let maxEvents = 500
    public var events: [Event]

    enum CodingKeys: String, CodingKey { case events }

    public init(events: [Event]) { self.events = events }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(["events"])
        let c = try decoder.container(keyedBy: CodingKeys.self)
        events = try c.decode([Event].self, forKey: .events)
        guard !events.isEmpty, events.count <= Self.maxEvents else {
            throw WireValidationError(field: "events", "must hold 1 to \(Self.maxEvents) events")
        }
    }
}
