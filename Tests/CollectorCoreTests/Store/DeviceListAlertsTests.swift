import DowntimeProtocol
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CollectorCore
@testable import CollectorRules

/// Issue #28: the device list (`GET /api/v1/devices`) shows each device's acknowledgement, snooze and critical mark,
/// as the single-device view does, on both stores.
@Suite struct DeviceListAlertsTests {
    @Test(arguments: Backend.all) func theListShowsAcknowledgedSnoozedAndCritical(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        var added: [String: String] = [:]
        for name in ["pi-1", "pi-2", "pi-3"] { added[name] = try await h.addDevice(name) }
        let tokens = added
        try await h.test { client in
            for name in ["pi-1", "pi-2", "pi-3"] {
                try await client.post("/api/v1/heartbeat", heartbeatJSON(name), token: tokens[name]!)
            }
            // pi-2 stops beating: down, then acknowledged by ann.
            h.clock.advance(20)
            for name in ["pi-1", "pi-3"] {
                try await client.post("/api/v1/heartbeat", heartbeatJSON(name), token: tokens[name]!)
            }
            h.clock.advance(280)
            for name in ["pi-1", "pi-3"] {
                try await client.post("/api/v1/heartbeat", heartbeatJSON(name), token: tokens[name]!)
            }
            try await h.collector.sweeper.sweep()
            let now = h.clock.now()
            #expect(try await client.getJSON("/api/v1/devices/pi-2", as: DeviceView.self).status == .down)
            _ = try await h.collector.alerts.acknowledge(device: "pi-2", by: "ann")
            #expect(try await h.store.setCritical(true, device: "pi-1"))
            #expect(try await h.store.setSnoozed(until: now + 3600, device: "pi-1"))
            let list = try await client.getJSON("/api/v1/devices", as: DeviceList.self).devices
            let byName = Dictionary(list.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            #expect(byName["pi-1"]?.critical == true)
            #expect(byName["pi-1"]?.snoozedUntil.map { abs($0.timeIntervalSince(now + 3600)) < 1 } == true)
            #expect(byName["pi-2"]?.acknowledged?.by == "ann", "\(String(describing: byName["pi-2"]))")
            #expect(byName["pi-2"]?.critical == false && byName["pi-2"]?.snoozedUntil == nil)
            #expect(byName["pi-3"]?.acknowledged == nil && byName["pi-3"]?.critical == false)
            // The same as the single-device view says.
            for name in ["pi-1", "pi-2", "pi-3"] {
                let one = try await client.getJSON("/api/v1/devices/\(name)", as: DeviceView.self)
                #expect(one.acknowledged == byName[name]?.acknowledged && one.critical == byName[name]?.critical)
            }
        }
    }
}
