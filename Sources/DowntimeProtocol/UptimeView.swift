#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Share of time a device was up over the last 24 h, 7 d and 30 d (0...1; nil before it was known).
public struct UptimeView: Codable, Sendable, Hashable {
    public var day: Double?
    public var week: Double?
    public var month: Double?

    enum CodingKeys: String, CodingKey {
        case day = "24h"
        case week = "7d"
        case month = "30d"
    }

    public init(day: Double?, week: Double?, month: Double?) {
        self.day = day
        self.week = week
        self.month = month
    }
}
