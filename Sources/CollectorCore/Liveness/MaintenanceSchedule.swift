import CollectorRules
import DowntimeProtocol
import Foundation
import Synchronization

/// The maintenance windows in force: the configured ones, the ones added with the CLI (read from the store), and
/// the ones devices announced (from their maintenance events in the log).
final class MaintenanceSchedule: Sendable {
    let configured: [MaintenanceWindow]
    /// How far back device windows are read: the pages show a month, a window lasts at most a week.
    static let deviceHorizon: TimeInterval = 32 * 86_400
    private struct State {
        var admin: [MaintenanceWindow]
        var devices: [DeviceMaintenance] = []
        var plan: MaintenancePlan
    }
    private let state: Mutex<State>

    init(configured: [MaintenanceWindow]) {
        self.configured = configured
        self.state = Mutex(State(admin: configured, plan: MaintenancePlan(windows: configured)))
    }

    var current: MaintenancePlan { state.withLock { $0.plan } }

    /// Takes the windows stored now (after a CLI change, and at the start), the devices' own since `now` less the
    /// horizon.
    func reload(from store: any Store, now: Date = Date()) async throws {
        let windows = configured + (try await store.maintenanceWindows())
        let devices = DeviceMaintenanceRule.windows(try await store.maintenanceEvents(since: now - Self.deviceHorizon))
        state.withLock {
            $0.admin = windows
            $0.devices = devices
            $0.plan.windows = windows + devices.compactMap(\.window)
        }
    }

    /// Takes a device's maintenance events just stored.
    func apply(_ events: [Event]) {
        let maintenance = events.filter { $0.kind == .maintenanceStart || $0.kind == .maintenanceEnd }
            .sorted { $0.at < $1.at }
        guard !maintenance.isEmpty else { return }
        state.withLock { s in
            for event in maintenance { DeviceMaintenanceRule.apply(event, to: &s.devices) }
            s.plan.windows = s.admin + s.devices.compactMap(\.window)
        }
    }

    /// Whether a beat of `bootID` at `at` ends a window of the device waiting for its return.
    func isBack(device: String, bootID: String, at: Date) -> Bool {
        state.withLock { DeviceMaintenanceRule.isBack($0.devices, device: device, bootID: bootID, at: at) }
    }

    /// The window the device announced that is open at `now`.
    func announced(device: String, now: Date) -> DeviceMaintenance? {
        state.withLock { DeviceMaintenanceRule.current($0.devices, device: device, now: now) }
    }
}
