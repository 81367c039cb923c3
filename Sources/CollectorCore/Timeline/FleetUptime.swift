import CollectorRules
import DowntimeProtocol
import Foundation
import Synchronization

/// The whole fleet's uptime over 24 h and 7 d (the overview's header): the devices' downtime over their known time,
/// summed, so a device known for a minute weighs a minute, not as much as one known all week. Pure in `of`; the
/// reader keeps the figure for `maxAge` (a 24 h share does not move in seconds, and a large fleet's merge is work).
public struct FleetUptime: Sendable, Equatable {
    public var day: Double?
    public var week: Double?

    public init(day: Double?, week: Double?) {
        self.day = day
        self.week = week
    }

    /// Seconds a computed figure is reused.
    public static let maxAge: TimeInterval = 15

    public static func of(_ details: [DeviceDetail], now: Date) -> FleetUptime {
        func share(_ window: TimeInterval) -> Double? {
            var down = 0.0
            var known = 0.0
            for d in details {
                guard let first = d.firstSeen else { continue }
                let figures = Availability.downAndKnown(
                    from: now - window, to: now, now: now, since: first, outages: d.outages, unknown: d.unknown)
                down += figures.down
                known += figures.known
            }
            return Availability.share(down: down, known: known)
        }
        return FleetUptime(day: share(86_400), week: share(7 * 86_400))
    }
}

/// The last fleet uptime computed, and when.
final class FleetUptimeCache: Sendable {
    private let last = Mutex<(at: Date, value: FleetUptime)?>(nil)

    func value(now: Date, compute: () async throws -> FleetUptime) async rethrows -> FleetUptime {
        if let l = last.withLock({ $0 }), now >= l.at, now.timeIntervalSince(l.at) < FleetUptime.maxAge {
            return l.value
        }
        let v = try await compute()
        last.withLock { $0 = (now, v) }
        return v
    }
}
