import DowntimeProtocol
import Foundation

/// A maintenance window a device announced (a `maintenance_start` event), as the collector applies it: by the
/// times the device gave, whenever the event arrives.
public struct DeviceMaintenance: Sendable, Equatable {
    /// The `maintenance_start` event's id.
    public var id: UUID
    public var device: String
    /// The boot the device announced it in: `untilBack` ends at a beat of another one.
    public var bootID: String
    public var start: Date
    /// The end the device gave (with `untilBack`, the latest end).
    public var plannedEnd: Date
    public var untilBack: Bool
    public var reason: String
    /// When it ended before `plannedEnd`: `--end`, or the device's first beat after a reboot.
    public var endedAt: Date?

    public init(
        id: UUID, device: String, bootID: String, start: Date, plannedEnd: Date, untilBack: Bool, reason: String,
        endedAt: Date? = nil
    ) {
        self.id = id
        self.device = device
        self.bootID = bootID
        self.start = start
        self.plannedEnd = plannedEnd
        self.untilBack = untilBack
        self.reason = reason
        self.endedAt = endedAt
    }

    public var end: Date { min(plannedEnd, endedAt ?? plannedEnd) }

    /// Whether it covers `at`.
    public func covers(_ at: Date) -> Bool { start <= at && at < end }

    /// The window liveness, the timeline and the pages apply; nil once it ended at its start.
    public var window: MaintenanceWindow? {
        guard end > start else { return nil }
        return MaintenanceWindow(
            target: .device(device), schedule: .once(start: start, end: end), reason: reason.isEmpty ? nil : reason)
    }
}

/// How a device's maintenance events make its windows (pure).
public enum DeviceMaintenanceRule {
    /// The windows `events` make, taken in the order of their times (an end applies to windows open then).
    public static func windows(_ events: [Event]) -> [DeviceMaintenance] {
        var out: [DeviceMaintenance] = []
        for event in events.enumerated().sorted(by: { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }) {
            apply(event.element, to: &out)
        }
        return out
    }

    /// Applies one event: a start adds its window (once, by id); an end closes the device's windows open at its
    /// time (a `back` end only those waiting for a new boot, of another boot than its own).
    public static func apply(_ event: Event, to windows: inout [DeviceMaintenance]) {
        switch event.payload {
        case .maintenanceStart(let m):
            guard !windows.contains(where: { $0.id == event.id }) else { return }
            windows.append(
                DeviceMaintenance(
                    id: event.id, device: event.device, bootID: event.bootID ?? "", start: m.start,
                    plannedEnd: m.end, untilBack: m.untilBack, reason: m.reason))
        case .maintenanceEnd(let back):
            for i in windows.indices where windows[i].device == event.device && windows[i].covers(event.at) {
                if back, !windows[i].untilBack || windows[i].bootID == event.bootID { continue }
                windows[i].endedAt = event.at
            }
        default:
            return
        }
    }

    /// Whether a beat of boot `bootID` at `at` ends one of the device's windows waiting for its return: a window
    /// announced `--until-back` in another boot, open at `at`.
    public static func isBack(_ windows: [DeviceMaintenance], device: String, bootID: String, at: Date) -> Bool {
        windows.contains {
            $0.device == device && $0.untilBack && $0.endedAt == nil && $0.bootID != bootID && $0.covers(at)
        }
    }

    /// The device's window open at `now`, the latest started if several.
    public static func current(_ windows: [DeviceMaintenance], device: String, now: Date) -> DeviceMaintenance? {
        windows.filter { $0.device == device && $0.covers(now) }.max { $0.start < $1.start }
    }
}
