#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Liveness of one device as the collector sees it.
public enum DeviceStatus: String, Codable, Sendable, CaseIterable, Comparable {
    case down, late, new, up, paused
    /// Silent while a device it depends on is down (or itself unreachable): not down, its silence not downtime.
    case unreachable

    /// Down first, then late, then unreachable: the order the overview lists devices in.
    public static func < (a: Self, b: Self) -> Bool {
        a.rank < b.rank
    }

    private var rank: Int {
        switch self {
        case .down: 0
        case .late: 1
        case .unreachable: 2
        case .new: 3
        case .up: 4
        case .paused: 5
        }
    }
}
