import CollectorCore
import DowntimeProtocol
import Foundation
import Testing

/// The one place device and maintenance changes are made (enrolment, server, every CLI command): each bad
/// input is refused with its own error, on both backends.
@Suite struct DeviceAdminTests {
    @Test(arguments: Backend.all) func changesReachTheStoreUnderTheNormalisedName(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let admin = DeviceAdmin(store: try await h.otherConnection(), clock: h.clock)
        let added = try await admin.add("Pi-1")
        #expect(added.record.name == "pi-1" && added.record.tokenHash == Tokens.hash(added.token))
        #expect(try await admin.setInterval(300, device: "PI-1") == "pi-1")
        let tagged = try await admin.setTags(["Office", "b"], device: "pi-1")
        #expect(tagged.name == "pi-1" && tagged.tags == ["office", "b"])
        #expect(try await admin.setPaused(true, device: "pi-1") == "pi-1")
        let stored = try #require(try await h.store.device(named: "pi-1"))
        #expect(stored.paused && stored.intervalOverride == 300 && stored.tags == ["office", "b"])
        #expect(try await admin.setInterval(nil, device: "pi-1") == "pi-1")
        #expect(try await h.store.device(named: "pi-1")?.intervalOverride == nil)
        let window = try await admin.startMaintenance("device:pi-1", for: "2h")
        // From the (manual) clock's now, for two hours.
        #expect(h.clock.now() == Date(timeIntervalSince1970: 1_795_335_000))
        #expect(window.window.spec == "device:pi-1 once 2026-11-22T08:10:00Z 2026-11-22T10:10:00Z")
        #expect(try await admin.maintenanceWindows().map(\.id) == [window.id])
        try await admin.removeMaintenance(id: window.id)
        #expect(try await admin.maintenanceWindows().isEmpty)
        #expect(try await admin.remove("pi-1") == "pi-1")
        #expect(try await admin.devices().isEmpty)
    }

    @Test(arguments: Backend.all) func everyBadInputHasItsOwnError(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let admin = DeviceAdmin(store: h.store, clock: h.clock)
        _ = try await admin.add("pi-1")
        let cases: [(AdminError, @Sendable () async throws -> Void)] = [
            (.invalidNewName, { _ = try await admin.add("../etc") }),
            (.nameTaken("pi-1"), { _ = try await admin.add("PI-1") }),
            (.invalidName("a/b"), { try await admin.remove("a/b") }),
            (.noDevice("ghost"), { try await admin.remove("ghost") }),
            (.noDevice("ghost"), { try await admin.setPaused(true, device: "ghost") }),
            (.invalidInterval, { try await admin.setInterval(0, device: "pi-1") }),
            (.invalidInterval, { try await admin.setInterval(86_401, device: "pi-1") }),
            (.invalidName("x y"), { try await admin.setInterval(0, device: "x y") }),
            (.noDevice("ghost"), { try await admin.setInterval(10, device: "ghost") }),
            (.invalidTag("bad/tag"), { _ = try await admin.setTags(["ok", "bad/tag"], device: "pi-1") }),
            (.noDevice("ghost"), { _ = try await admin.setTags([], device: "ghost") }),
            (.invalidDuration, { _ = try await admin.startMaintenance("all", for: "2x") }),
            (.noWindow(99), { try await admin.removeMaintenance(id: 99) }),
        ]
        for (expected, change) in cases {
            await #expect(throws: expected) { try await change() }
        }
        await #expect(throws: AdminError.self) { _ = try await admin.addMaintenance("nonsense") }
        #expect(AdminError.noDevice("x").isNotFound && AdminError.noWindow(1).isNotFound)
        #expect(!AdminError.invalidInterval.isNotFound && !AdminError.nameTaken("x").isNotFound)
        #expect(
            AdminError.invalidName("A/B").description
                == "invalid device name A/B: must match [a-z0-9][a-z0-9._-]{0,62}")
    }
}
