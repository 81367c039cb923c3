import CollectorCore
import DowntimeProtocol
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CollectorRules

@Suite struct MaintenanceTests {
    static let utc = TimeZone(identifier: "UTC")!

    @Test(arguments: [
        "all weekly sun 02:00-04:00", "device:pi-1 weekly mon-fri 22:00-06:00", "tag:office weekly sat,sun 00:00-23:59",
        "all once 2026-12-24T00:00:00Z 2026-12-27T00:00:00Z",
    ])
    func specsRoundTrip(spec: String) throws {
        let w = try MaintenanceWindow.parse(spec)
        #expect(try MaintenanceWindow.parse(w.spec) == w)
    }

    @Test(arguments: [
        "", "all", "everyone weekly sun 02:00-04:00", "all weekly sun 25:00-26:00", "all weekly funday 02:00-04:00",
        "all once 2026-12-27T00:00:00Z 2026-12-24T00:00:00Z", "all monthly 1 02:00-03:00", "device:<x> once a b",
    ])
    func badSpecsAreRefused(spec: String) {
        #expect(throws: WireValidationError.self) { try MaintenanceWindow.parse(spec) }
    }

    @Test func weeklyWindowsInATimeZoneAndOverMidnight() throws {
        // Sunday 2026-11-22; Berlin is UTC+1 in November.
        let w = try MaintenanceWindow.parse("all weekly sat 23:00-01:00")
        let range = DateInterval(
            start: WireTime.parse("2026-11-16T00:00:00Z")!, end: WireTime.parse("2026-11-23T00:00:00Z")!)
        #expect(
            w.occurrences(in: range, timeZone: Self.utc) == [
                DateInterval(
                    start: WireTime.parse("2026-11-21T23:00:00Z")!, end: WireTime.parse("2026-11-22T01:00:00Z")!)
            ])
        let berlin = w.occurrences(in: range, timeZone: TimeZone(identifier: "Europe/Berlin")!)
        #expect(
            berlin == [
                DateInterval(
                    start: WireTime.parse("2026-11-21T22:00:00Z")!, end: WireTime.parse("2026-11-22T00:00:00Z")!)
            ])
    }

    @Test func mondayToFridayExpands() throws {
        let w = try MaintenanceWindow.parse("all weekly fri-mon 12:00-13:00")
        guard case .weekly(let days, _, _) = w.schedule else {
            Issue.record("not weekly")
            return
        }
        #expect(days == [6, 7, 1, 2])
    }

    @Test func targets() throws {
        let plan = MaintenancePlan(
            windows: [try MaintenanceWindow.parse("tag:office once 2026-11-22T08:00:00Z 2026-11-22T09:00:00Z")],
            timeZone: Self.utc)
        let at = WireTime.parse("2026-11-22T08:30:00Z")!
        #expect(plan.state(device: "pi", tags: ["office"], now: at).active)
        #expect(!plan.state(device: "pi", tags: ["home"], now: at).active)
        let after = plan.state(device: "pi", tags: ["office"], now: at + 3600)
        #expect(!after.active && after.lastEnd == WireTime.parse("2026-11-22T09:00:00Z"))
    }

    @Test(arguments: Backend.all) func noDownDuringMaintenanceAFreshWindowAfterAndNoDowntimeCounted(_ backend: Backend)
        async throws
    {
        let h = try await Harness.make(backend)
        let token = try await h.addDevice("pi-1")
        let start = h.clock.now()
        let cli = try await h.otherConnection()
        let window = try MaintenanceWindow.parse(
            "device:pi-1 once \(WireTime.format(start)) \(WireTime.format(start + 3600))")
        _ = try await cli.addMaintenance(window)
        try await h.test { client in
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1"), token: token)
            h.clock.advance(1800) // silent for half an hour, inside the window
            try await h.collector.sweeper.sweep()
            var view = try await client.getJSON("/api/v1/devices/pi-1", as: DeviceView.self)
            #expect(view.status == .paused)
            h.clock.advance(1800 + 34) // 34 s after the window: within the fresh window it gets
            try await h.collector.sweeper.sweep()
            view = try await client.getJSON("/api/v1/devices/pi-1", as: DeviceView.self)
            #expect(view.status == .late)
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1", seq: 2), token: token)
            view = try await client.getJSON("/api/v1/devices/pi-1", as: DeviceView.self)
            // An hour of silence inside maintenance is no downtime.
            #expect(view.status == .up && view.lastOutage == nil && view.uptime.day == 1)
            h.clock.advance(35)
            try await h.collector.sweeper.sweep()
            view = try await client.getJSON("/api/v1/devices/pi-1", as: DeviceView.self)
            #expect(view.status == .down)
            // 35 s down out of the 69 s known outside the window.
            let expected = 1 - 35.0 / 69.0
            #expect(
                abs((view.uptime.day ?? 0) - expected) < 1e-6, "\(String(describing: view.uptime.day)) vs \(expected)")
        }
    }

    @Test func configuredWindowsAreRead() throws {
        let layer = try CollectorConfig.parseFile(
            "DOWNTIME_MAINTENANCE=all weekly sun 02:00-04:00; tag:lab weekly mon-fri 18:00-08:00", name: "f")
        let c = try CollectorConfig.resolve([layer])
        #expect(
            c.maintenance.map(\.spec) == [
                "all weekly sun 02:00-04:00", "tag:lab weekly mon,tue,wed,thu,fri 18:00-08:00",
            ])
        let bad = try CollectorConfig.parseFile("DOWNTIME_MAINTENANCE=sometimes", name: "f")
        #expect(throws: ConfigError.self) { try CollectorConfig.resolve([bad]) }
    }
}
