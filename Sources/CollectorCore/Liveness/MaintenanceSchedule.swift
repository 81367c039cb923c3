import CollectorRules
import Synchronization

/// The maintenance windows in force: the configured ones and the ones added with the CLI (read from the store).
final class MaintenanceSchedule: Sendable {
    let configured: [MaintenanceWindow]
    private let plan: Mutex<MaintenancePlan>

    init(configured: [MaintenanceWindow]) {
        self.configured = configured
        self.plan = Mutex(MaintenancePlan(windows: configured))
    }

    var current: MaintenancePlan { plan.withLock { $0 } }

    /// Takes the windows stored now (after a CLI change).
    func reload(from store: any Store) async throws {
        let windows = configured + (try await store.maintenanceWindows())
        plan.withLock { $0.windows = windows }
    }
}
