import CollectorCore
import DowntimeProtocol
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct RestartTests {
    @Test(arguments: Backend.all) func restartKeepsDevicesFlipsEventsAndTheLog(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let token = try await h.addDevice("pi-1")
        let id = UUID()
        try await h.test { client in
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1", seq: 41), token: token)
            try await client.post("/api/v1/events", IngestTests.outageBatch(id: id), token: token)
        }
        let logBefore = try await h.store.events(device: "pi-1", since: nil, afterSeq: nil, limit: 100).map(\.event)
        let h2 = try await h.restarted(after: 1)
        try await h2.test { client in
            let view = try await client.getJSON("/api/v1/devices/pi-1", as: DeviceView.self)
            #expect(view.status == .up && view.bootID == bootA)
            let log = try await client.getJSON("/api/v1/devices/pi-1/events", as: EventList.self).events
            #expect(Array(log.prefix(logBefore.count)) == logBefore)
            #expect(log.contains { $0.id == id })
            let (_, text, _) = try await client.get("/devices/pi-1/log.txt")
            #expect(text.contains("outage cause=power_loss"))
            // The old token still works.
            let (s, _) = try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1", seq: 42), token: token)
            #expect(s == .ok)
        }
        #expect(try await h2.store.device(named: "pi-1")?.beat?.seq == 41)
    }

    /// The newest beat's storage warning is stored with the beat: a restarted collector shows it before the device
    /// beats again, and a beat without one clears it in the store too.
    @Test(arguments: Backend.all) func theStorageWarningIsStoredWithTheBeat(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let token = try await h.addDevice("pi-1")
        let warned = heartbeatJSON("pi-1").replacingOccurrences(
            of: "\"agent_version\":\"0.1.0\"",
            with: "\"agent_version\":\"0.1.0\",\"storage\":{\"state\":\"read_only\",\"path\":\"/var/lib/downtime\","
                + "\"since\":\"2026-11-22T07:59:00Z\",\"unsaved_events\":3,\"error\":\"Read-only file system\"}")
        try await h.test { client in
            let (status, body) = try await client.post("/api/v1/heartbeat", warned, token: token)
            #expect(status == .ok, "\(body)")
        }
        let h2 = try await h.restarted(after: 1)
        try await h2.test { client in
            let view = try await client.getJSON("/api/v1/devices/pi-1", as: DeviceView.self)
            #expect(view.storage?.state == .readOnly && view.storage?.unsavedEvents == 3)
            #expect(view.storage?.error == "Read-only file system" && view.storage?.path == "/var/lib/downtime")
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1", seq: 2), token: token)
        }
        try await h2.collector.sweeper.flush()
        #expect(try await h2.store.device(named: "pi-1")?.beat.map { $0.storage == nil } == true)
    }

    @Test(arguments: Backend.all) func collectorDowntimeIsUnknownAndEveryDeviceGetsAFreshWindow(_ backend: Backend)
        async throws
    {
        let h = try await Harness.make(backend)
        let token = try await h.addDevice("pi-1")
        try await h.test { client in
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1"), token: token)
        }
        let stoppedAt = h.clock.now()
        let h2 = try await h.restarted(after: 3600)
        let restartedAt = h2.clock.now()
        // Silent for an hour while the collector was away: not down until a full window after the restart.
        try await h2.collector.sweeper.sweep()
        try await h2.test { client in
            #expect(try await client.getJSON("/api/v1/devices/pi-1", as: DeviceView.self).status == .up)
            h2.clock.advance(34.9)
            try await h2.collector.sweeper.sweep()
            #expect(try await client.getJSON("/api/v1/devices/pi-1", as: DeviceView.self).status == .late)
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1", seq: 2), token: token)
            let view = try await client.getJSON("/api/v1/devices/pi-1", as: DeviceView.self)
            #expect(view.status == .up && view.lastOutage == nil)
            // The hour away counts neither as up nor as down.
            #expect(view.uptime.day == 1)
            let log = try await client.getJSON("/api/v1/devices/pi-1/events", as: EventList.self).events
            let gap = log.compactMap { e -> (Date, Date)? in
                if case .collectorDown(let s, let end) = e.payload { return (s, end) }
                return nil
            }
            #expect(gap.count == 1)
            #expect(gap.first?.0 == stoppedAt && gap.first?.1 == restartedAt)
        }
    }

    /// Flips are stored at once, beats every flush interval: a collector killed after a device's return stored the
    /// up flip and not the beat. A down after the restart starts at that return, not at the older stored beat
    /// (campaign seed 307: a down flip dated 9 s before the up it followed).
    @Test(arguments: Backend.all) func aDownAfterAKillStartsNoEarlierThanTheStoredReturn(_ backend: Backend)
        async throws
    {
        let h = try await Harness.make(backend)
        let token = try await h.addDevice("pi-1")
        try await h.test { client in
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1"), token: token)
        }
        try await h.collector.sweeper.flush()
        h.clock.advance(100)
        try await h.collector.sweeper.sweep()
        h.clock.advance(10)
        let back = h.clock.now()
        try await h.test { client in
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1", seq: 2), token: token)
        }
        // Killed: no flush of the beat it came back with.
        await h.collector.leadership.release()
        h.clock.advance(2)
        let h2 = try await Harness.make(handle: h.handle, clock: h.clock, sync: h.sync, config: h.config)
        h2.clock.advance(60)
        try await h2.collector.sweeper.sweep()
        let flips = try await h2.store.events(device: "pi-1", since: nil, afterSeq: nil, limit: 100).compactMap {
            row -> (DeviceStatus, Date)? in
            guard case .flip(let f) = row.event.payload else { return nil }
            return (f.to, row.event.at)
        }
        #expect(flips.map(\.0) == [.up, .down, .up, .down])
        #expect(flips.last?.1 == back)
    }

    @Test(arguments: Backend.all) func aDeviceDownBeforeTheRestartStaysDown(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let token = try await h.addDevice("pi-1")
        try await h.test { client in
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1"), token: token)
        }
        h.clock.advance(100)
        try await h.collector.sweeper.sweep()
        let h2 = try await h.restarted(after: 10)
        try await h2.collector.sweeper.sweep()
        try await h2.test { client in
            let view = try await client.getJSON("/api/v1/devices/pi-1", as: DeviceView.self)
            #expect(view.status == .down)
        }
        let flips = try await h2.store.events(device: "pi-1", since: nil, afterSeq: nil, limit: 100).filter {
            $0.event.kind == .flip
        }
        #expect(flips.count == 2)
    }

    @Test(arguments: Backend.all) func pauseFromTheCLISideIsPickedUpAndStopsDownFlips(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let token = try await h.addDevice("pi-1")
        try await h.test { client in
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1"), token: token)
            // Another process (the CLI) pauses it through its own connection to the same file.
            let cli = try await h.otherConnection()
            let admin = DeviceAdmin(store: cli, clock: h.clock)
            #expect(try await admin.setPaused(true, device: "Pi-1") == "pi-1")
            h.clock.advance(1000)
            try await h.collector.sweeper.sweep()
            #expect(try await client.getJSON("/api/v1/devices/pi-1", as: DeviceView.self).status == .paused)
            #expect(try await admin.setPaused(false, device: "Pi-1") == "pi-1")
            try await h.collector.sweeper.sweep()
            #expect(try await client.getJSON("/api/v1/devices/pi-1", as: DeviceView.self).status == .up)
            h.clock.advance(35)
            try await h.collector.sweeper.sweep()
            let view = try await client.getJSON("/api/v1/devices/pi-1", as: DeviceView.self)
            #expect(view.status == .down)
            // Down from the last beat, but the paused stretch is unknown, not downtime.
            let flips = try await client.getJSON("/api/v1/devices/pi-1/events", as: EventList.self).events.compactMap {
                e -> String? in
                if case .flip(let f) = e.payload { return "\(f.from.rawValue)>\(f.to.rawValue)" }
                return nil
            }
            #expect(flips == ["new>up", "up>paused", "paused>up", "up>down"])
        }
    }

    @Test(arguments: Backend.all) func aDeviceAddedByTheCLIWhileRunningCanBeatAtOnce(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let cli = try await h.otherConnection()
        let token = try await DeviceAdmin(store: cli, clock: h.clock).add("late-comer").token
        try await h.test { client in
            let (s, _) = try await client.post("/api/v1/heartbeat", heartbeatJSON("late-comer"), token: token)
            #expect(s == .ok)
        }
    }
}
