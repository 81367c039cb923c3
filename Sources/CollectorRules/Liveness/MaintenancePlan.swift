import DowntimeProtocol
import Foundation

/// All windows, asked per device (pure).
public struct MaintenancePlan: Sendable, Equatable {
    public var windows: [MaintenanceWindow]
    public var timeZone: TimeZone

    public init(windows: [MaintenanceWindow], timeZone: TimeZone = .current) {
        self.windows = windows
        self.timeZone = timeZone
    }

    /// The maintenance stretches of a device within `range`.
    public func intervals(device: String, tags: [String], in range: DateInterval) -> [DateInterval] {
        windows.filter { $0.applies(to: device, tags: tags) }.flatMap { $0.occurrences(in: range, timeZone: timeZone) }
    }

    /// Whether the device is in maintenance at `now`, and when its latest window before `now` ended
    /// (a device gets a fresh window after maintenance, as after a resume).
    public func state(device: String, tags: [String], now: Date) -> (active: Bool, lastEnd: Date?) {
        let recent = intervals(device: device, tags: tags, in: DateInterval(start: now - 8 * 86_400, end: now + 1))
        let active = recent.contains { $0.start <= now && now < $0.end }
        return (active, recent.filter { $0.end <= now }.map(\.end).max())
    }
}
