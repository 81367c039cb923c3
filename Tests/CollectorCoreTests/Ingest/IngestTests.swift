import CollectorCore
import DowntimeProtocol
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CollectorRules

@Suite struct IngestTests {
    @Test(arguments: Backend.all) func heartbeatMakesADeviceUpAndFirstFlipIsLogged(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let token = try await h.addDevice("pi-1")
        try await h.test { client in
            let before = try await client.getJSON("/api/v1/devices/pi-1", as: DeviceView.self)
            #expect(before.status == .new && before.uptime.day == nil && before.lastSeen == nil)
            let (status, body) = try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1"), token: token)
            #expect(status == .ok)
            let reply = try WireCoding.decode(HeartbeatReply.self, from: Array(body.utf8))
            #expect(reply.serverTime == h.clock.now() && reply.intervalS == 10)
            let view = try await client.getJSON("/api/v1/devices/pi-1", as: DeviceView.self)
            #expect(view.status == .up && view.lastSeen == h.clock.now() && view.bootID == bootA)
            let log = try await client.getJSON("/api/v1/devices/pi-1/events", as: EventList.self)
            #expect(log.events.map(\.kind) == [.flip])
        }
    }

    @Test(arguments: Backend.all) func missedBeatsMakeItDownWithTheLastBeatAsStart(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let token = try await h.addDevice("pi-1")
        try await h.test { client in
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1"), token: token)
            let lastBeat = h.clock.now()
            h.clock.advance(15)
            try await h.collector.sweeper.sweep()
            #expect(try await client.getJSON("/api/v1/devices/pi-1", as: DeviceView.self).status == .late)
            h.clock.advance(19.999)
            try await h.collector.sweeper.sweep()
            #expect(try await client.getJSON("/api/v1/devices/pi-1", as: DeviceView.self).status == .late)
            h.clock.advance(0.001) // exactly misses × interval + grace = 35 s after the beat
            try await h.collector.sweeper.sweep()
            let view = try await client.getJSON("/api/v1/devices/pi-1", as: DeviceView.self)
            #expect(view.status == .down)
            #expect(view.currentOutage?.start == lastBeat)
            let flips = try await client.getJSON("/api/v1/devices/pi-1/events", as: EventList.self).events.filter {
                $0.kind == .flip
            }
            #expect(flips.count == 2)
            #expect(flips.last?.at == lastBeat)
            guard case .flip(let f)? = flips.last?.payload else {
                Issue.record("no flip")
                return
            }
            #expect(f.from == .up && f.to == .down)

            // Sweeping again records nothing more; a beat brings it back with an up flip.
            h.clock.advance(100)
            try await h.collector.sweeper.sweep()
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1", seq: 2), token: token)
            let back = try await client.getJSON("/api/v1/devices/pi-1", as: DeviceView.self)
            #expect(back.status == .up && back.currentOutage == nil)
            #expect(
                back.lastOutage?.start == lastBeat && back.lastOutage?.durationS == 135
                    && back.lastOutage?.cause == .unknown)
            let kinds = try await client.getJSON("/api/v1/devices/pi-1/events", as: EventList.self).events.map(\.kind)
            #expect(kinds == [.flip, .flip, .flip])
        }
    }

    static func outageBatch(
        id: UUID, device: String = "pi-1", start: String = "2026-11-22T08:00:00Z",
        end: String = "2026-11-22T09:00:00Z"
    ) -> String {
        """
        {"events":[{"id":"\(id.uuidString)","device":"\(device)","kind":"outage","at":"\(end)","boot_id":"\(bootA)",
        "cause":"power_loss","start":"\(start)","end":"\(end)","duration_s":3600,"precision_s":60,"clock_synced":true}]}
        """
    }

    /// RFC 9562: ids are read in either case and written in lower case, so a client comparing what it sent sees it.
    @Test(arguments: Backend.all) func eventIdsAreWrittenInLowerCaseAndEitherCaseIsOneEvent(_ backend: Backend)
        async throws
    {
        let h = try await Harness.make(backend)
        let token = try await h.addDevice("pi-1")
        let id = UUID()
        let lower = id.uuidString.lowercased()
        try await h.test { client in
            for sent in [id.uuidString, lower, id.uuidString] {
                let batch = Self.outageBatch(id: id).replacingOccurrences(of: id.uuidString, with: sent)
                let (status, body) = try await client.post("/api/v1/events", batch, token: token)
                #expect(status == .ok)
                #expect(body == #"{"accepted":["\#(lower)"]}"#)
            }
            let (_, events, _) = try await client.get("/api/v1/devices/pi-1/events")
            #expect(events.contains(#""id":"\#(lower)""#) && !events.contains(id.uuidString))
            let (_, text, _) = try await client.get("/devices/pi-1/log.txt")
            #expect(!text.contains(id.uuidString))
        }
        let rows = try await h.store.events(device: "pi-1", since: nil, afterSeq: nil, limit: 100)
        #expect(rows.filter { $0.event.id == id }.count == 1)
        let csv = rows.map { LogFormat.csvRow($0.event) }.joined(separator: "\n")
        #expect(csv.contains(lower) && !csv.contains(id.uuidString))
    }

    @Test(arguments: Backend.all) func repeatedEventIdIsStoredOnce(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let token = try await h.addDevice("pi-1")
        let id = UUID()
        try await h.test { client in
            for _ in 0..<3 {
                let (status, body) = try await client.post("/api/v1/events", Self.outageBatch(id: id), token: token)
                #expect(status == .ok)
                #expect(try WireCoding.decode(EventBatchReply.self, from: Array(body.utf8)).accepted == [id])
            }
        }
        let rows = try await h.store.events(device: "pi-1", since: nil, afterSeq: nil, limit: 100)
        #expect(rows.filter { $0.event.id == id }.count == 1)
    }

    @Test(arguments: Backend.all) func tokensAreValidForTheirOwnDeviceOnly(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let a = try await h.addDevice("pi-a")
        _ = try await h.addDevice("pi-b")
        try await h.test { client in
            let (s1, b1) = try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-b"), token: a)
            #expect(s1 == .forbidden && b1.contains("\"field\":\"device\""))
            let (s2, _) = try await client.post(
                "/api/v1/events", Self.outageBatch(id: UUID(), device: "pi-b"), token: a)
            #expect(s2 == .forbidden)
            let (s3, _) = try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-a"), token: nil)
            #expect(s3 == .unauthorized)
            let (s4, _) = try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-a"), token: "dtm_wrong")
            #expect(s4 == .unauthorized)
            #expect(try await client.getJSON("/api/v1/devices/pi-b", as: DeviceView.self).status == .new)
        }
        #expect(try await h.store.events(device: "pi-b", since: nil, afterSeq: nil, limit: 10).isEmpty)
    }

    /// The file is SQLite's (PostgreSQL stores the same hash: StoreTests reads it back by hash).
    @Test func tokensAreStoredOnlyHashed() async throws {
        let h = try await Harness.make(.sqlite)
        let token = try await h.addDevice("pi-1")
        try await h.collector.sweeper.flush()
        let file = try Data(contentsOf: URL(fileURLWithPath: h.config.databasePath))
        let wal = (try? Data(contentsOf: URL(fileURLWithPath: h.config.databasePath + "-wal"))) ?? Data()
        #expect(file.range(of: Data(token.utf8)) == nil && wal.range(of: Data(token.utf8)) == nil)
        #expect(try await h.store.device(named: "pi-1")?.tokenHash == Tokens.hash(token))
    }

    @Test(arguments: Backend.all) func unsyncedOutageIsAnchoredWithTheCollectorClock(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let token = try await h.addDevice("pi-1")
        let body = """
            {"events":[{"id":"\(UUID().uuidString)","device":"pi-1","kind":"outage","at":"2026-11-22T08:00:00Z",
            "boot_id":"\(bootA)","cause":"power_loss","start":"2026-11-22T07:00:00Z","precision_s":60,
            "clock_synced":false,"uptime_s":40}]}
            """
        try await h.test { client in
            let (status, _) = try await client.post("/api/v1/events", body, token: token)
            #expect(status == .ok)
        }
        let row = try #require(try await h.store.events(device: "pi-1", since: nil, afterSeq: nil, limit: 10).first)
        guard case .outage(let o) = row.event.payload else {
            Issue.record("not an outage")
            return
        }
        #expect(o.end == h.clock.now() - 40)
        #expect(o.durationS == (h.clock.now() - 40).timeIntervalSince(WireTime.parse("2026-11-22T07:00:00Z")!))
    }

    @Test(arguments: Backend.all) func agentOutageMergesWithTheCollectorsDownPeriod(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let token = try await h.addDevice("pi-1")
        try await h.test { client in
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1"), token: token)
            let lastBeat = h.clock.now()
            h.clock.advance(600)
            try await h.collector.sweeper.sweep()
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1", seq: 1, boot: "ff"), token: token)
            // The agent's persisted last-alive is 30 s before the last beat; it was back 590 s after it.
            let start = WireTime.format(lastBeat - 30)
            let end = WireTime.format(lastBeat + 590)
            let (status, _) = try await client.post(
                "/api/v1/events", Self.outageBatch(id: UUID(), start: start, end: end), token: token)
            #expect(status == .ok)
            let view = try await client.getJSON("/api/v1/devices/pi-1", as: DeviceView.self)
            let o = try #require(view.lastOutage)
            #expect(o.source == "merged" && o.cause == .powerLoss)
            #expect(o.start == lastBeat)
            #expect(abs(o.durationS - 590) < 0.01)
        }
    }

    @Test(arguments: Backend.all) func enrollmentNeedsTheRightKeyAndGivesAWorkingToken(_ backend: Backend) async throws
    {
        var config = CollectorConfig()
        config.enrollmentKey = "correct-horse-battery"
        let h = try await Harness.make(backend, config: config)
        try await h.test { client in
            let (bad, _) = try await client.post(
                "/api/v1/enroll", "{\"device\":\"pi-9\",\"enrollment_key\":\"wrong-key-here\"}", token: nil)
            #expect(bad == .forbidden)
            let (ok, body) = try await client.post(
                "/api/v1/enroll", "{\"device\":\"Pi-9\",\"enrollment_key\":\"correct-horse-battery\"}", token: nil)
            #expect(ok == .ok)
            let token = try WireCoding.decode(EnrollReply.self, from: Array(body.utf8)).token
            let (again, _) = try await client.post(
                "/api/v1/enroll", "{\"device\":\"pi-9\",\"enrollment_key\":\"correct-horse-battery\"}", token: nil)
            #expect(again == .conflict)
            let (beat, _) = try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-9"), token: token)
            #expect(beat == .ok)
        }
    }

    @Test(arguments: Backend.all) func enrollmentIsOffByDefault(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        try await h.test { client in
            let (status, body) = try await client.post(
                "/api/v1/enroll", "{\"device\":\"pi-9\",\"enrollment_key\":\"anything-long\"}", token: nil)
            #expect(status == .forbidden && body.contains("enrollment"))
        }
        #expect(try await h.store.allDevices().isEmpty)
    }
}
