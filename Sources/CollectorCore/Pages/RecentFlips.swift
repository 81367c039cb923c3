import DowntimeProtocol
import Foundation

/// A device's recorded flips of late, for "recently flapped" and "recently back".
public struct RecentFlips: Sendable, Equatable {
    /// When each recorded flip happened (within the window the caller looked at).
    public var flips: [Date] = []
    /// The newest flip from `down` to `up`.
    public var lastBack: Date?

    public init(flips: [Date] = [], lastBack: Date? = nil) {
        self.flips = flips
        self.lastBack = lastBack
    }

    /// Reads the flips at or after `since` from a device's log rows (any order).
    public static func of(_ rows: [StoredEvent], since: Date) -> RecentFlips {
        var r = RecentFlips()
        for row in rows where row.event.at >= since {
            guard case .flip(let f) = row.event.payload else { continue }
            r.flips.append(row.event.at)
            if f.from == .down, f.to == .up {
                r.lastBack = max(r.lastBack ?? row.event.at, row.event.at)
            }
        }
        return r
    }
}
