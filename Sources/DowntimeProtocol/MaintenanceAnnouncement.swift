#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A maintenance window the device announces (`downtime-agent maintenance`): from `start` to `end` on the
/// device's clock; with `untilBack`, `end` is only the latest end and the window closes at the first beat of a
/// new boot.
public struct MaintenanceAnnouncement: Codable, Sendable, Hashable {
    /// The longest window a device may announce: a week (the collector looks that far back for windows).
    public static let maxLength: TimeInterval = 7 * 86_400
    /// The longest reason kept.
    public static let maxReason = 200

    public var start: Date
    public var end: Date
    public var untilBack: Bool
    public var reason: String

    enum CodingKeys: String, CodingKey {
        case start, end, reason
        case untilBack = "until_back"
    }

    public init(start: Date, end: Date, untilBack: Bool = false, reason: String = "") {
        self.start = start
        self.end = end
        self.untilBack = untilBack
        self.reason = reason
    }
}
