import CollectorCore
import DowntimeProtocol
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Dependencies (issue #17) through the collector on both stores: the admin's refusals, the sweep's
/// `unreachable`, the parent's return, the counts and the messages.
@Suite struct DependencyTests {
    @Test(arguments: Backend.all) func unknownSelfAndCyclesAreRefusedNothingChanged(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let admin = DeviceAdmin(store: try await h.otherConnection(), clock: h.clock)
        for name in ["a", "b", "c"] { _ = try await admin.add(name) }
        let cases: [(AdminError, @Sendable () async throws -> Void)] = [
            (.noDevice("router"), { try await admin.setParent("router", device: "a") }),
            (.noDevice("ghost"), { try await admin.setParent("a", device: "ghost") }),
            (.invalidName("a/b"), { try await admin.setParent("a/b", device: "a") }),
            (.dependsOnItself("a"), { try await admin.setParent("A", device: "a") }),
        ]
        for (expected, body) in cases {
            await #expect(throws: expected) { try await body() }
        }
        #expect(try await admin.setParent("b", device: "a") == "a")
        await #expect(throws: AdminError.dependencyCycle(["b", "a", "b"])) {
            try await admin.setParent("a", device: "b")
        }
        #expect(try await admin.setParent("c", device: "b") == "b")
        await #expect(throws: AdminError.dependencyCycle(["c", "a", "b", "c"])) {
            try await admin.setParent("a", device: "c")
        }
        #expect(AdminError.dependencyCycle(["c", "a", "b", "c"]).description.contains("c → a → b → c"))
        let stored = Dictionary(uniqueKeysWithValues: try await admin.devices().map { ($0.name, $0.dependsOn) })
        #expect(stored == ["a": "b", "b": "c", "c": nil])
        // Removing a parent leaves its dependants depending on nothing; --clear does the same by hand.
        try await admin.remove("c")
        #expect(try await h.store.device(named: "b")?.dependsOn == nil)
        try await admin.setParent(nil, device: "a")
        #expect(try await h.store.device(named: "a")?.dependsOn == nil)
    }

    @Test(arguments: Backend.all) func behindADownParentUnreachableThenMeasuredFromItsReturn(_ backend: Backend)
        async throws
    {
        let h = try await Harness.make(backend)
        var added: [String: String] = [:]
        for name in ["nas", "pi-1", "pi-2", "pi-3", "solo"] { added[name] = try await h.addDevice(name) }
        let tokens = added
        for name in ["pi-1", "pi-2"] { try await h.collector.admin.devices.setParent("nas", device: name) }
        try await h.collector.admin.devices.setParent("pi-2", device: "pi-3") // behind nas through pi-2
        try await h.collector.admin.changed()
        let t0 = h.clock.now()
        try await h.test { client in
            func beat(_ names: [String], seq: Int) async throws {
                for name in names {
                    let (status, body) = try await client.post(
                        "/api/v1/heartbeat", heartbeatJSON(name, seq: seq), token: tokens[name])
                    #expect(status == .ok, "\(body)")
                }
            }
            func status(_ name: String) async throws -> DeviceStatus {
                try await client.getJSON("/api/v1/devices/\(name)", as: DeviceView.self).status
            }
            try await beat(["nas", "pi-1", "pi-2", "pi-3", "solo"], seq: 1)
            // Everything falls silent: nas and solo are down, those behind nas unreachable.
            h.clock.advance(36)
            try await h.collector.sweeper.sweep()
            #expect(try await status("nas") == .down)
            #expect(try await status("solo") == .down)
            for name in ["pi-1", "pi-2", "pi-3"] { #expect(try await status(name) == .unreachable, "\(name)") }
            let pi3 = try await client.getJSON("/api/v1/devices/pi-3", as: DeviceView.self)
            #expect(pi3.dependsOn == "pi-2" && pi3.currentOutage == nil)
            let listed = try await client.getJSON("/api/v1/devices", as: DeviceList.self).devices
            #expect(listed.first { $0.name == "pi-3" }?.dependsOn == "pi-2")
            #expect(listed.first { $0.name == "solo" }.map { $0.dependsOn == nil } == true)
            let summary = try await client.getJSON("/api/v1/summary", as: FleetSummary.self)
            #expect(summary.status == StatusCounts(down: 2, unreachable: 3))
            let (_, list, _) = try await client.get("/?status=unreachable")
            #expect(list.contains("pi-1") && list.contains("pi-3") && !list.contains(">solo<"))
            let (_, metrics, _) = try await client.get("/metrics")
            #expect(metrics.contains("downtime_devices{state=\"unreachable\"} 3\n"))
            let log = try await client.get("/devices/pi-1/log.txt").1
            #expect(log.contains("up -> unreachable: no heartbeat for 36 s while nas is down"), "\(log)")
            // nas comes back at t0 + 100; pi-1 soon after, pi-2 and pi-3 never.
            h.clock.advance(64)
            try await beat(["nas"], seq: 2)
            h.clock.advance(5)
            try await beat(["pi-1"], seq: 2)
            #expect(try await status("pi-1") == .up)
            h.clock.advance(25)
            try await beat(["nas", "pi-1"], seq: 3) // t0 + 130: these two keep beating from now on
            h.clock.advance(4) // t0 + 134: within the window from nas's return
            try await h.collector.sweeper.sweep()
            #expect(try await status("pi-2") == .unreachable)
            h.clock.advance(1) // t0 + 135: down, dated at nas's return; pi-3 behind it unreachable
            try await h.collector.sweeper.sweep()
            #expect(try await status("pi-2") == .down)
            #expect(try await status("pi-3") == .unreachable)
            let pi2 = try await client.getJSON("/api/v1/devices/pi-2", as: DeviceView.self)
            #expect(pi2.currentOutage?.start == t0 + 100, "\(String(describing: pi2.currentOutage))")
            for seq in 4...5 {
                h.clock.advance(30)
                try await beat(["nas", "pi-1"], seq: seq)
                try await h.collector.sweeper.sweep()
            }
            h.clock.advance(5) // t0 + 200
            let one = try await client.getJSON("/api/v1/devices/pi-1", as: DeviceView.self)
            // pi-1: up from t0 to its last beat, unreachable (not counted) until t0 + 105, up since: no downtime.
            #expect(one.status == .up && one.uptime.day == 1 && one.lastOutage == nil)
            // pi-2: unreachable from its last beat (t0) to nas's return (t0 + 100), not counted; down since: of the
            // 100 s known, 100 s down.
            let two = try await client.getJSON("/api/v1/devices/pi-2", as: DeviceView.self)
            #expect(two.uptime.day == 0, "\(String(describing: two.uptime.day))")
            #expect(two.currentOutage?.durationS == 100)
            let solo = try await client.getJSON("/api/v1/devices/solo", as: DeviceView.self)
            #expect(solo.currentOutage?.start == t0)
        }
    }

    @Test(arguments: Backend.all) func oneMessageSayingHowManyAreBehindIt(_ backend: Backend) async throws {
        try await withReceiver { port, inbox in
            var config = CollectorConfig()
            config.notifiers = [try NotifierSpec.parse("hook=webhook http://127.0.0.1:\(port)/hook")]
            config.notifySettle = 5
            let h = try await Harness.make(backend, config: config)
            var added: [String: String] = [:]
            for name in ["router", "pi-1", "pi-2", "pi-3"] { added[name] = try await h.addDevice(name) }
            let tokens = added
            for name in ["pi-1", "pi-2", "pi-3"] {
                try await h.collector.admin.devices.setParent("router", device: name)
            }
            try await h.collector.admin.changed()
            try await h.test { client in
                for name in ["router", "pi-1", "pi-2", "pi-3"] {
                    try await client.post("/api/v1/heartbeat", heartbeatJSON(name), token: tokens[name])
                }
                h.clock.advance(36)
                try await h.collector.sweeper.sweep()
                for _ in 0..<12 {
                    h.clock.advance(1)
                    await h.collector.notifications.tick()
                }
                for name in ["router", "pi-1", "pi-2", "pi-3"] {
                    try await client.post("/api/v1/heartbeat", heartbeatJSON(name, seq: 2), token: tokens[name])
                }
                for _ in 0..<8 {
                    h.clock.advance(1)
                    await h.collector.notifications.tick()
                }
            }
            try await NotificationDeliveryTests.settle(h.collector.notifications.notifier!)
            let bodies = await inbox.requests.map(\.body).filter { !$0.contains("\"event\":\"new\"") }
            // Delivered in any order (each on its own task).
            #expect(bodies.count == 2, "\(bodies)")
            let down = bodies.first { $0.contains("router is down since") } ?? ""
            #expect(down.contains("(3 devices behind it unreachable)"), "\(bodies)")
            let up = bodies.first { $0.contains("router is back up") } ?? ""
            #expect(up.contains("(3 devices behind it were unreachable)"), "\(bodies)")
            #expect(!bodies.contains { $0.contains("pi-1") })
        }
    }
}
