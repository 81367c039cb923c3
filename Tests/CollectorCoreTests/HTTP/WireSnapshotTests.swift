import CollectorCore
import DowntimeProtocol
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// What every read endpoint answers after a fixed story (beats, an agent's outage report, a device going
/// down and coming back, bad requests), compared byte for byte with answers recorded before a change.
/// It guards refactorings (issue #14): the wire format and the pages stay as they were.
/// Record anew, after a change meant to alter them, with `DOWNTIME_SNAPSHOT_RECORD=1`.
@Suite struct WireSnapshotTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    /// Random ids (events, flips) become `<id-N>` by first appearance; so do the figures that depend on the machine.
    static func normalize(_ text: String) -> String {
        var ids: [String: String] = [:]
        let uuid = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/
        var out = text.replacing(uuid) { match in
            let key = String(match.output).lowercased()
            if let known = ids[key] { return known }
            let name = "<id-\(ids.count + 1)>"
            ids[key] = name
            return name
        }
        out = out.replacing(/"free_bytes":\d+/, with: "\"free_bytes\":<n>")
        // The overview's position in the change feed names this run (its start time and a random part).
        out = out.replacing(/data-feed="[a-z0-9]+-(\d+)"/) { "data-feed=\"<run>-\($0.output.1)\"" }
        return out
    }

    /// The story: three devices; pi-1 and nas beat every 10 s, pi-2 beats once, goes down, and comes back;
    /// pi-1 reports an outage it found at boot; nas sends its power flags.
    static func story(_ h: Harness, _ client: any TestClientProtocol) async throws {
        let p1 = try await h.addDevice("pi-1")
        let p2 = try await h.addDevice("pi-2")
        let nas = try await h.addDevice("nas")
        let health = #","health":{"under_voltage_now":true,"throttled_since_boot":true,"temp_c":51.5}}"#
        for seq in 1...8 {
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1", seq: seq), token: p1)
            let nasBeat = String(heartbeatJSON("nas", seq: seq).dropLast()) + health
            try await client.post("/api/v1/heartbeat", nasBeat, token: nas)
            if seq == 1 || seq == 8 {
                try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-2", seq: seq), token: p2)
            }
            if seq == 2 {
                let events = """
                    {"events":[{"id":"6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b","device":"pi-1","kind":"agent_started",\
                    "at":"2026-11-22T08:00:00Z","boot_id":"\(bootA)","agent_version":"0.1.0"},\
                    {"id":"7a2b3c4d-5e6f-4a70-8b9c-0d1e2f3a4b5c","device":"pi-1","kind":"outage",\
                    "at":"2026-11-22T08:00:01Z","boot_id":"\(bootA)","cause":"power_loss",\
                    "start":"2026-11-22T07:40:00Z","end":"2026-11-22T07:58:30Z","duration_s":1110,\
                    "precision_s":60,"clock_synced":true}]}
                    """
                try await client.post("/api/v1/events", events, token: p1)
            }
            h.clock.advance(10)
            try await h.collector.sweeper.sweep()
        }
        try await h.collector.sweeper.flush()
        try await h.collector.sweeper.housekeeping.run()
    }

    static let requests = [
        "/api/v1/devices", "/api/v1/devices?limit=2", "/api/v1/devices/pi-1", "/api/v1/devices/pi-2",
        "/api/v1/devices/nas", "/api/v1/devices/pi-2/events", "/api/v1/devices/pi-1/events?limit=2",
        "/api/v1/collector", "/api/v1/ups", "/devices/pi-2/log.txt", "/devices/pi-1/log.csv", "/badge/pi-2.svg",
        "/badge/all.json",
        "/", "/devices/pi-2", "/devices/nas",
        // Bad requests keep their answers too.
        "/api/v1/devices/nobody", "/api/v1/devices?limit=0", "/api/v1/devices/pi-1/events?since=yesterday",
        "/devices/NO%20SUCH",
    ]

    @Test func everyReadEndpointAnswersAsRecorded() async throws {
        let h = try await Harness.make(.sqlite)
        let record = ProcessInfo.processInfo.environment["DOWNTIME_SNAPSHOT_RECORD"] == "1"
        try await h.test { client in
            try await Self.story(h, client)
            var answers: [(name: String, text: String)] = []
            for uri in Self.requests {
                let (status, body, headers) = try await client.get(uri)
                let type = headers[.contentType] ?? "-"
                answers.append((uri, "\(status.code) \(type)\n\(Self.normalize(body))\n"))
            }
            let goodBeat = heartbeatJSON("pi-1", seq: 9)
            let p1Token = try await h.addDevice("pi-9")
            let (okStatus, okBody) = try await client.post("/api/v1/heartbeat", goodBeat, token: p1Token)
            answers.append(("POST /api/v1/heartbeat (another device's token)", "\(okStatus.code)\n\(okBody)\n"))
            let badBeat = #"{"device":"pi-1","seq":1,"extra":true}"#
            let (status, body) = try await client.post("/api/v1/heartbeat", badBeat, token: "wrong")
            answers.append(("POST /api/v1/heartbeat (bad token)", "\(status.code)\n\(body)\n"))
            let all = answers.map { "=== \($0.name)\n\($0.text)" }.joined()
            let file = Self.folder.appendingPathComponent("wire.txt")
            if record {
                try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
                try all.write(to: file, atomically: true, encoding: .utf8)
            }
            let recorded = try String(contentsOf: file, encoding: .utf8)
            let old = recorded.components(separatedBy: "\n=== ")
            let new = all.components(separatedBy: "\n=== ")
            #expect(old.count == new.count, "a different number of answers than recorded")
            for (before, after) in zip(old, new) where before != after {
                Issue.record("answer changed:\n--- recorded\n\(before.prefix(3000))\n--- now\n\(after.prefix(3000))")
            }
        }
    }

    /// The normalisation keeps what matters: the same text twice is the same, different ids stay distinct.
    @Test func normalizationNumbersIdsByFirstAppearance() {
        let text =
            "a 6F1C2B3A-4D5E-4F60-8A7B-9C0D1E2F3A4B b 7a2b3c4d-5e6f-4a70-8b9c-0d1e2f3a4b5c a "
            + "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b \"free_bytes\":123"
        #expect(Self.normalize(text) == "a <id-1> b <id-2> a <id-1> \"free_bytes\":<n>")
    }
}
