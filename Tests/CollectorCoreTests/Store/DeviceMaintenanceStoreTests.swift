import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorCore
@testable import CollectorRules

/// The devices' maintenance events read back by kind and time, the same on both stores.
@Suite struct DeviceMaintenanceStoreTests {
    let t0 = Date(timeIntervalSince1970: 1_795_335_000)

    @Test(arguments: Backend.all) func maintenanceEventsSinceATimeOldestFirst(_ backend: Backend) async throws {
        let h = try StoreHandle.fresh(backend)
        defer { h.remove() }
        let s = try await h.open()
        let old = Event(
            device: "pi-1", at: t0 - 100, bootID: "b",
            payload: .maintenanceStart(MaintenanceAnnouncement(start: t0 - 100, end: t0 - 50)))
        let start = Event(
            device: "pi-1", at: t0 + 10, bootID: "b",
            payload: .maintenanceStart(
                MaintenanceAnnouncement(start: t0 + 10, end: t0 + 600, untilBack: true, reason: "upgrade")))
        let end = Event(device: "pi-2", at: t0 + 20, bootID: "c", payload: .maintenanceEnd(back: true))
        let other = Event(device: "pi-1", at: t0 + 15, bootID: "b", payload: .shutdown)
        _ = try await s.insertEvents([end, other, start, old], receivedAt: t0 + 30)
        #expect(try await s.maintenanceEvents(since: t0) == [start, end])
        #expect(try await s.maintenanceEvents(since: t0 - 1_000).map(\.id) == [old.id, start.id, end.id])
    }
}
