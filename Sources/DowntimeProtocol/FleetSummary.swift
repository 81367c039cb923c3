#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `GET /api/v1/summary`: the whole fleet in one small answer (counts, never a row per device).
public struct FleetSummary: Codable, Sendable, Equatable {
    /// One tag's devices; `tag` null for the devices without a tag.
    public struct Tag: Codable, Sendable, Equatable {
        public var tag: String?
        public var devices: Int
        public var status: StatusCounts

        public init(tag: String?, status: StatusCounts) {
            self.tag = tag
            self.devices = status.total
            self.status = status
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(tag, forKey: .tag)
            try c.encode(devices, forKey: .devices)
            try c.encode(status, forKey: .status)
        }
    }

    public var devices: Int
    public var status: StatusCounts
    /// Devices that need a look: down, late, new, paused, flapping or back within the hour, or with a warning.
    public var attention: Int
    public var tags: [Tag]

    public init(status: StatusCounts, attention: Int, tags: [Tag]) {
        self.devices = status.total
        self.status = status
        self.attention = attention
        self.tags = tags
    }
}
