#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Liveness of one device as the collector sees it.
public enum DeviceStatus: String, Codable, Sendable, CaseIterable, Comparable {
    case down, late, new, up, paused

    /// Down first, then late: the order the overview lists devices in.
    public static func < (a: Self, b: Self) -> Bool {
        a.rank < b.rank
    }

    private var rank: Int {
        switch self {
        case .down: 0
        case .late: 1
        case .new: 2
        case .up: 3
        case .paused: 4
        }
    }
}
