import DowntimeProtocol
import Foundation
import Logging

/// The leader's hourly chores: the daily availability of the last days, and retention.
public struct Housekeeping: Sendable {
    let store: any Store
    let reader: DeviceReader
    let timelines: TimelineCache
    let leadership: Leadership
    let health: CollectorHealth
    let retentionDays: Int?
    let time: @Sendable () -> CollectorTime
    let logger: Logger

    /// Writes yesterday's and today's availability and applies retention; returns how many log rows it deleted.
    @discardableResult
    public func run() async throws -> Int {
        guard leadership.isLeading else { return 0 }
        let now = time().wall
        var rows: [(device: String, day: String, down: Double, known: Double)] = []
        for detail in try await reader.deviceDetails() {
            // Yesterday and today so far; older days were written on earlier runs.
            for day in detail.days.suffix(2) where day.known > 0 {
                rows.append((detail.view.name, String(WireTime.format(day.start).prefix(10)), day.down, day.known))
            }
        }
        try await health.timedWrite("save_daily", at: time) { try await store.saveDaily(rows) }
        guard let days = retentionDays else { return 0 }
        let deleted = try await store.deleteEvents(before: now - Double(days) * 86_400)
        if deleted > 0 {
            await timelines.reset()
            logger.info("retention: deleted \(deleted) log rows older than \(days) days")
        }
        return deleted
    }
}
