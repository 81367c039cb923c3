import CollectorCore
import DowntimeProtocol
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// An agent whose state folder cannot be written (issue #15): the beat's `storage` field reaches the
/// API and both pages, the `storage` event is logged and notified once.
@Suite(.serialized) struct StorageWarningTests {
    static func beat(seq: Int, storage: String?) -> String {
        let json = heartbeatJSON("pi-kitchen", seq: seq)
        guard let storage else { return json }
        return json.replacingOccurrences(of: "\"seq\":\(seq),", with: "\"seq\":\(seq),\"storage\":\(storage),")
    }

    static let readOnly = """
        {"state":"read_only","path":"/var/lib/downtime-agent","since":"2026-11-22T14:02:00Z","unsaved_events":2,\
        "error":"create /var/lib/downtime-agent/state.json.tmp: Read-only file system"}
        """

    static func storageEvent(_ state: String, id: String) -> String {
        """
        {"events":[{"id":"\(id)","device":"pi-kitchen","kind":"storage","at":"2026-11-22T14:02:00Z",\
        "boot_id":"\(bootA)","state":"\(state)","path":"/var/lib/downtime-agent"}]}
        """
    }

    @Test(arguments: Backend.all) func theWarningShowsOnTheAPIAndPagesAndClears(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let token = try await h.addDevice("pi-kitchen")
        try await h.test { client in
            #expect(
                try await client.post("/api/v1/heartbeat", Self.beat(seq: 1, storage: Self.readOnly), token: token).0
                    == .ok)
            let view = try await client.getJSON("/api/v1/devices/pi-kitchen", as: DeviceView.self)
            #expect(view.status == .up)
            #expect(view.storage?.state == .readOnly && view.storage?.path == "/var/lib/downtime-agent")
            #expect(view.storage?.unsavedEvents == 2)
            let overview = try await client.get("/").1
            #expect(overview.contains("storage read-only since"))
            let page = try await client.get("/devices/pi-kitchen").1
            #expect(page.contains("Storage read-only since"))
            #expect(page.contains("Not saved on the device until it is writable again: its state file"))
            #expect(page.contains("2 event(s) held in memory only, lost if the agent restarts"))

            // A beat without the field: the folder is writable again.
            #expect(try await client.post("/api/v1/heartbeat", Self.beat(seq: 2, storage: nil), token: token).0 == .ok)
            #expect(try await client.getJSON("/api/v1/devices/pi-kitchen", as: DeviceView.self).storage == nil)
            #expect(!(try await client.get("/").1.contains("storage read-only")))
            let raw = try await client.get("/api/v1/devices/pi-kitchen").1
            #expect(raw.contains("\"storage\":null"))
        }
    }

    @Test(arguments: [
        ("\"state\":\"read_only\"", "\"state\":\"ok\"", "storage.state"),
        ("\"path\":\"/var/lib/downtime-agent\"", "\"path\":\"\"", "storage.path"),
        ("\"unsaved_events\":2", "\"unsaved_events\":2,\"color\":\"red\"", "storage.color"),
    ])
    func aBadStorageFieldIsA400NamingIt(original: String, replacement: String, field: String) async throws {
        let h = try await Harness.make(.sqlite)
        let token = try await h.addDevice("pi-kitchen")
        try await h.test { client in
            let bad = Self.beat(seq: 1, storage: Self.readOnly.replacingOccurrences(of: original, with: replacement))
            let (status, body) = try await client.post("/api/v1/heartbeat", bad, token: token)
            #expect(status == .badRequest)
            #expect(try WireCoding.decode(ErrorBody.self, from: Array(body.utf8)).field == field)
        }
    }

    @Test(arguments: Backend.all) func theStorageEventIsLoggedAndNotifiedOncePerProblem(_ backend: Backend) async throws
    {
        try await withReceiver { port, inbox in
            var config = CollectorConfig()
            config.notifiers = [try NotifierSpec.parse("hook=webhook http://127.0.0.1:\(port)/hook")]
            let h = try await Harness.make(backend, config: config)
            let token = try await h.addDevice("pi-kitchen")
            let first = "6f9619ff-8b86-d011-b42d-00c04fc964f1"
            try await h.test { client in
                try await client.post("/api/v1/heartbeat", Self.beat(seq: 1, storage: Self.readOnly), token: token)
                #expect(
                    try await client.post("/api/v1/events", Self.storageEvent("read_only", id: first), token: token).0
                        == .ok)
                // The same event again (a retry) and more beats carrying the warning: nothing more to tell.
                try await client.post("/api/v1/events", Self.storageEvent("read_only", id: first), token: token)
                for seq in 2...4 {
                    try await client.post(
                        "/api/v1/heartbeat", Self.beat(seq: seq, storage: Self.readOnly), token: token)
                    h.clock.advance(10)
                    await h.collector.notifications.tick()
                }
                let log = try await client.get("/devices/pi-kitchen/log.txt").1
                #expect(log.contains("storage state folder /var/lib/downtime-agent read-only: running from memory"))
                // Cleared, then read-only again: a new problem, told again.
                try await client.post(
                    "/api/v1/events", Self.storageEvent("ok", id: "6f9619ff-8b86-d011-b42d-00c04fc964f2"), token: token)
                try await client.post(
                    "/api/v1/events", Self.storageEvent("full", id: "6f9619ff-8b86-d011-b42d-00c04fc964f3"),
                    token: token)
                h.clock.advance(10)
                await h.collector.notifications.tick()
            }
            try await NotificationDeliveryTests.settle(h.collector.notifications.notifier!)
            let storage = await inbox.requests.filter { $0.body.contains("\"event\":\"storage\"") }
            #expect(storage.count == 2, "\(storage.map(\.body))")
            #expect(storage.contains { $0.body.contains("pi-kitchen: storage read-only") })
            #expect(storage.contains { $0.body.contains("pi-kitchen: storage full") })
        }
    }
}
