import CollectorRules
import Foundation

/// Device changes made by this server (enrollment, the browser's admin pages) taken into the fleet at once, and
/// changes made elsewhere (the CLI, another collector) read anew: a new token works and an old one stops now.
public final class FleetAdmin: Sendable {
    /// The store-side changes (names, tokens, tags, sites, pauses).
    public let devices: DeviceAdmin
    let store: any Store
    let fleet: Fleet
    let timelines: TimelineCache
    let incidents: IncidentRecorder
    let maintenance: MaintenanceSchedule
    let clock: CollectorClock

    init(
        store: any Store, fleet: Fleet, timelines: TimelineCache, incidents: IncidentRecorder,
        maintenance: MaintenanceSchedule, clock: CollectorClock
    ) {
        self.devices = DeviceAdmin(store: store, clock: clock.wall)
        self.store = store
        self.fleet = fleet
        self.timelines = timelines
        self.incidents = incidents
        self.maintenance = maintenance
        self.clock = clock
    }

    /// Adds a device with a new token (`DeviceAdmin.add`) and starts watching it at once.
    public func addDevice(_ name: String) async throws -> (token: String, record: DeviceRecord) {
        let added = try await devices.add(name)
        await fleet.add(added.record, now: clock.now())
        return added
    }

    /// Takes a change the server itself made through `devices` into the fleet at once.
    public func changed() async throws {
        try await reload(now: clock.now())
    }

    /// Devices, sites or outages changed: the fleet, the timelines and the maintenance read anew, and the
    /// incidents correlated again.
    func reload(now: CollectorTime) async throws {
        await fleet.load(try await store.allDevices(), now: now, freshWindow: false)
        await timelines.reset()
        incidents.outagesChanged()
        try await maintenance.reload(from: store, now: now.wall)
    }
}
