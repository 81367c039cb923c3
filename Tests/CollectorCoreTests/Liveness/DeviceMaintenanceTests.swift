import CollectorCore
import DowntimeProtocol
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CollectorRules

/// Maintenance a device announces, through the real routes on a frozen clock, on both stores.
@Suite struct DeviceMaintenanceTests {
    static let bootB = "7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f"

    static func startJSON(
        at: Date, start: Date, end: Date, untilBack: Bool = false, reason: String = "kernel upgrade", id: UUID = UUID()
    ) -> String {
        """
        {"events":[{"id":"\(id.wireString)","device":"pi-1","kind":"maintenance_start","at":"\(WireTime.format(at))",\
        "boot_id":"\(bootA)","start":"\(WireTime.format(start))","end":"\(WireTime.format(end))",\
        "until_back":\(untilBack),"reason":"\(reason)"}]}
        """
    }

    static func endJSON(at: Date) -> String {
        """
        {"events":[{"id":"\(UUID().wireString)","device":"pi-1","kind":"maintenance_end","at":"\(WireTime.format(at))",\
        "boot_id":"\(bootA)"}]}
        """
    }

    @Test(arguments: Backend.all) func untilBackEndsAtTheFirstBeatOfANewBootWithNoDowntime(_ backend: Backend)
        async throws
    {
        let h = try await Harness.make(backend)
        let token = try await h.addDevice("pi-1")
        try await h.test { client in
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1"), token: token)
            h.clock.advance(100) // up for 100 s before the window: known time
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1", seq: 2), token: token)
            let t0 = h.clock.now()
            let id = UUID()
            let json = Self.startJSON(at: t0, start: t0, end: t0 + 3_600, untilBack: true, id: id)
            #expect(try await client.post("/api/v1/events", json, token: token).0 == .ok)
            // Sent twice (the command and the agent both): stored and applied once.
            #expect(try await client.post("/api/v1/events", json, token: token).0 == .ok)
            var view = try await client.getJSON("/api/v1/devices/pi-1", as: DeviceView.self)
            #expect(view.maintenance?.untilBack == true && view.maintenance?.reason == "kernel upgrade")
            h.clock.advance(600) // rebooting, silent far past its deadline
            try await h.collector.sweeper.sweep()
            view = try await client.getJSON("/api/v1/devices/pi-1", as: DeviceView.self)
            #expect(view.status == .paused)
            // A beat of the same boot does not end it; the first of a new boot does.
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1", seq: 3), token: token)
            #expect(try await client.getJSON("/api/v1/devices/pi-1", as: DeviceView.self).maintenance != nil)
            h.clock.advance(5)
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1", seq: 1, boot: Self.bootB), token: token)
            try await h.collector.sweeper.sweep()
            view = try await client.getJSON("/api/v1/devices/pi-1", as: DeviceView.self)
            #expect(view.status == .up && view.maintenance == nil && view.uptime.day == 1)
            let log = try await client.getJSON("/api/v1/devices/pi-1/events", as: EventList.self).events
            #expect(log.filter { $0.kind == .maintenanceStart }.map(\.id) == [id])
            let ends = log.filter { $0.kind == .maintenanceEnd }
            #expect(ends.count == 1 && ends.first?.at == t0 + 605 && ends.first?.bootID == Self.bootB)
            #expect(!log.contains { if case .flip(let f) = $0.payload { f.to == .down } else { false } })
        }
    }

    /// The collector heard nothing of the window until after the silence: applied by its own times, the silence in
    /// it is no downtime, and the device is in maintenance now.
    @Test(arguments: Backend.all) func aWindowArrivingLateCoversWhatHappenedInIt(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let token = try await h.addDevice("pi-1")
        try await h.test { client in
            let announced = h.clock.now()
            h.clock.advance(10)
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1"), token: token)
            h.clock.advance(100)
            try await h.collector.sweeper.sweep()
            #expect(try await client.getJSON("/api/v1/devices/pi-1", as: DeviceView.self).status == .down)
            let json = Self.startJSON(at: announced, start: announced, end: announced + 1_800)
            #expect(try await client.post("/api/v1/events", json, token: token).0 == .ok)
            try await h.collector.sweeper.sweep()
            var view = try await client.getJSON("/api/v1/devices/pi-1", as: DeviceView.self)
            #expect(view.status == .paused && view.maintenance?.start == announced)
            // Its only known time is the beat's moment: the down time after it is inside the window.
            #expect(view.uptime.day == nil || view.uptime.day == 1, "\(view.uptime)")
            // Ended by the device: out of maintenance, with a fresh window.
            let end = h.clock.now()
            #expect(try await client.post("/api/v1/events", Self.endJSON(at: end), token: token).0 == .ok)
            try await h.collector.sweeper.sweep()
            view = try await client.getJSON("/api/v1/devices/pi-1", as: DeviceView.self)
            #expect(view.maintenance == nil && view.status != .paused)
        }
    }

    @Test(arguments: Backend.all) func badAnnouncementsAreRefusedWithTheField(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let token = try await h.addDevice("pi-1")
        try await h.test { client in
            let t0 = h.clock.now()
            let backwards = Self.startJSON(at: t0, start: t0, end: t0 - 1)
            let (status, body) = try await client.post("/api/v1/events", backwards, token: token)
            #expect(status == .badRequest && body.contains("events[0].end"), "\(body)")
            let log = try await client.getJSON("/api/v1/devices/pi-1/events", as: EventList.self).events
            #expect(!log.contains { $0.kind == .maintenanceStart })
        }
    }
}
