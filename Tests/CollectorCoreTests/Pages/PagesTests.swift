import CollectorCore
import DowntimeProtocol
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CollectorRules

@Suite struct PagesTests {
    @Test func overviewIsEscapedHTMLWithCharset() async throws {
        let h = try await Harness.make()
        let token = try await h.addDevice("pi-1")
        try await h.test { client in
            let hostile = heartbeatJSON("pi-1").replacingOccurrences(
                of: "\"0.1.0\"", with: "\"<script>alert(1)</script>\"")
            let (s, _) = try await client.post("/api/v1/heartbeat", hostile, token: token)
            #expect(s == .ok)
            let (status, html, headers) = try await client.get("/")
            #expect(status == .ok)
            #expect(headers[.contentType] == "text/html; charset=utf-8")
            #expect(html.contains("pi-1") && html.contains("1 device · 1 up · 0 down"))
            let (_, page, _) = try await client.get("/devices/pi-1")
            #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!page.contains("<script>alert"))
        }
    }

    @Test func emptyCollectorSaysHowToAddADevice() async throws {
        let h = try await Harness.make()
        try await h.test { client in
            let (_, html, _) = try await client.get("/")
            #expect(html.contains("downtime-collector device add NAME"))
        }
    }

    @Test func logDownloadsAsTextAndCSV() async throws {
        let h = try await Harness.make()
        let token = try await h.addDevice("pi-1")
        try await h.test { client in
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1"), token: token)
            try await client.post("/api/v1/events", IngestTests.outageBatch(id: UUID()), token: token)
            let (_, text, th) = try await client.get("/devices/pi-1/log.txt")
            #expect(th[.contentType] == "text/plain; charset=utf-8")
            let lines = text.split(separator: "\n")
            #expect(lines.count == 2)
            #expect(lines[1].hasPrefix("2026-11-22T09:00:00+00:00 pi-1 outage cause=power_loss"))
            #expect(lines[1].contains("duration=1h 0m"))
            let (_, csv, _) = try await client.get("/devices/pi-1/log.csv")
            #expect(csv.hasPrefix(LogFormat.csvHeader + "\r\n"))
            #expect(csv.split(separator: "\r\n").count == 3)
        }
    }

    /// Events arrive out of time order (an outbox delivering late, a seeded history): the page's log follows the
    /// events' own times, newest first, as it says; the JSON API keeps the arrival order of its cursor.
    @Test func devicePageLogIsNewestFirstByEventTime() async throws {
        let h = try await Harness.make()
        let token = try await h.addDevice("pi-1")
        let days = [5, 4, 25, 24, 9] // November, posted in this order
        @Sendable func at(_ day: Int, _ hour: String = "09") -> String {
            "2026-11-\(day < 10 ? "0" : "")\(day)T\(hour):00:00Z"
        }
        try await h.test { client in
            for day in days {
                let end = at(day)
                let start = at(day, "08")
                let (status, _) = try await client.post(
                    "/api/v1/events", IngestTests.outageBatch(id: UUID(), start: start, end: end), token: token)
                #expect(status == .ok)
            }
            let (_, page, _) = try await client.get("/devices/pi-1")
            #expect(page.contains("Newest first by the time each event happened"))
            guard let logPart = page.components(separatedBy: "<h2>Log</h2>").last else { return #expect(Bool(false)) }
            let shown = logPart.components(separatedBy: "datetime=\"").dropFirst().map { String($0.prefix(19)) }
            #expect(shown == [25, 24, 9, 5, 4].map { String(at($0).prefix(19)) })
            let api = try await client.getJSON("/api/v1/devices/pi-1/events", as: EventList.self)
            #expect(
                api.events.map { String(WireTime.format($0.at).prefix(19)) } == days.map { String(at($0).prefix(19)) })
        }
    }

    /// The Outages table shows an outage's power evidence in the outage's own row (not only in the log below).
    @Test func theOutagesTableShowsAnOutagesPowerEvidence() async throws {
        let h = try await Harness.make()
        let token = try await h.addDevice("pi-1")
        let withEvidence = """
            {"events":[{"id":"\(UUID().uuidString)","device":"pi-1","kind":"outage",\
            "at":"2026-11-22T10:10:00Z","boot_id":"\(bootA)","cause":"power_loss","start":"2026-11-22T10:02:00Z",\
            "end":"2026-11-22T10:05:00Z","duration_s":180,"precision_s":60,"clock_synced":true,\
            "under_voltage_seen":"2026-11-22T10:01:20Z"}]}
            """
        h.clock.advance(86_400) // the outages happened after the device was added
        try await h.test { client in
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1"), token: token)
            #expect(try await client.post("/api/v1/events", withEvidence, token: token).0 == .ok)
            let plain = IngestTests.outageBatch(id: UUID(), start: "2026-11-22T12:00:00Z", end: "2026-11-22T13:00:00Z")
            #expect(try await client.post("/api/v1/events", plain, token: token).0 == .ok)
            let (_, page, _) = try await client.get("/devices/pi-1")
            let section =
                page.components(separatedBy: "<h2>Outages</h2>").last?
                .components(separatedBy: "<h2>").first ?? ""
            let rows = section.components(separatedBy: "<tr>").dropFirst(2) // the header row first
            #expect(rows.count == 2, "\(section)")
            let words = "under-voltage last seen 40 s before the last-alive time"
            #expect(rows.filter { $0.contains(words) }.count == 1, "\(section)")
            #expect(rows.first { $0.contains(words) }?.contains("2026-11-22T10:02:00") == true, "\(section)")
        }
    }

    @Test func healthz() async throws {
        let h = try await Harness.make()
        try await h.test { client in
            let (status, body, _) = try await client.get("/healthz")
            #expect(status == .ok && body.contains("ok"))
        }
    }

    @Test func devicesArePagedByCursor() async throws {
        let h = try await Harness.make()
        for i in 0..<5 { _ = try await h.addDevice("d\(i)") }
        try await h.test { client in
            let p1 = try await client.getJSON("/api/v1/devices?limit=2", as: DeviceList.self)
            #expect(p1.devices.map(\.name) == ["d0", "d1"] && p1.next == "d1")
            let p3 = try await client.getJSON("/api/v1/devices?limit=2&cursor=d3", as: DeviceList.self)
            #expect(p3.devices.map(\.name) == ["d4"] && p3.next == nil)
        }
    }
}
