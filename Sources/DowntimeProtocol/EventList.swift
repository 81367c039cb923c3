#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `GET /api/v1/devices/{name}/events`: one page of a device's log, oldest first.
public struct EventList: Codable, Sendable, Equatable {
    public var events: [Event]
    public var next: String?

    public init(events: [Event], next: String?) {
        self.events = events
        self.next = next
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(events, forKey: .events)
        try c.encode(next, forKey: .next)
    }
}
