import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorCore
@testable import CollectorRules

/// A digest's figures and words from a fixed set of stored rows (issue #28), through the timeline the pages use.
@Suite struct DigestWriterTests {
    /// The period's start: 2026-12-06 07:00 UTC (08:00 CET), a day before its end.
    static let p0 = Date(timeIntervalSince1970: 1_796_540_400)
    static let period = DateInterval(start: p0, end: p0 + 86_400)

    static func row(_ device: String, _ at: Double, _ payload: Event.Payload, seq: Int64) -> StoredEvent {
        StoredEvent(
            event: Event(device: device, at: p0 + at, bootID: nil, payload: payload), receivedAt: p0 + at, seq: seq)
    }

    static func flip(_ device: String, _ from: DeviceStatus, _ to: DeviceStatus, at: Double, seq: Int64) -> StoredEvent
    {
        row(device, at, .flip(FlipRecord(from: from, to: to, reason: "test")), seq: seq)
    }

    static func detail(_ name: String, _ status: DeviceStatus, rows: [StoredEvent]) -> DeviceDetail {
        let record = DeviceRecord(name: name, tokenHash: [UInt8](name.utf8), createdAt: p0 - 3 * 86_400)
        return DeviceViews.detail(
            LiveDevice(record: record, status: status), timeline: DeviceTimeline(rows: rows, now: period.end),
            now: period.end, policy: LivenessPolicy(), defaultInterval: 10)
    }

    /// pi-shed: a power loss of 20 min (the agent's report over the collector's down period), then 7 min of silence;
    /// nas: one outage across the period's start, 10 min of it inside; cam: down for the last 2 h; ok: no outage.
    static func report() -> DigestReport {
        let power = OutageReport(
            cause: .powerLoss, start: p0 + 3600, end: p0 + 4800, durationS: 1200, precisionS: 1, clockSynced: true)
        let shed = detail(
            "pi-shed", .up,
            rows: [
                flip("pi-shed", .new, .up, at: -2 * 86_400, seq: 1), flip("pi-shed", .up, .down, at: 3600, seq: 5),
                flip("pi-shed", .down, .up, at: 4800, seq: 6), row("pi-shed", 4801, .outage(power), seq: 7),
                flip("pi-shed", .up, .down, at: 7200, seq: 8), flip("pi-shed", .down, .up, at: 7620, seq: 9),
            ])
        let nas = detail(
            "nas", .up,
            rows: [
                flip("nas", .new, .up, at: -2 * 86_400, seq: 2), flip("nas", .up, .down, at: -600, seq: 3),
                flip("nas", .down, .up, at: 600, seq: 4),
            ])
        let cam = detail(
            "cam", .down,
            rows: [flip("cam", .new, .up, at: -2 * 86_400, seq: 10), flip("cam", .up, .down, at: 79_200, seq: 11)])
        let ok = detail("ok", .up, rows: [flip("ok", .new, .up, at: -2 * 86_400, seq: 12)])
        let cut = Incident(
            id: "power_cut-default-1796544000", kind: .powerCut, site: "default", start: p0 + 3600, end: p0 + 4800,
            members: [
                .init(device: "pi-shed", start: p0 + 3600, end: p0 + 4800, cause: .powerLoss),
                .init(device: "nas-old", start: p0 + 3610, end: p0 + 4700, cause: .powerLoss),
            ], unaffected: ["ok"], collectorDown: false)
        let before = Incident(
            id: "network-default-1", kind: .network, site: "default", start: p0 - 9 * 86_400, end: p0 - 9 * 86_400 + 60,
            members: [], unaffected: [], collectorDown: false)
        let logRows = [
            row("pi-shed", 3000, .powerWarning(state: .appeared, warnings: "under-voltage"), seq: 20),
            row("pi-shed", 3300, .powerWarning(state: .cleared, warnings: "under-voltage"), seq: 21),
            row("pi-shed", -100, .powerWarning(state: .appeared, warnings: "throttled"), seq: 22),
            row("pi-shed", 3301, .shutdown, seq: 23),
        ]
        let ups = [
            StoredUPSEvent(ups: "eaton@nut:3493", kind: .mainsBack, at: p0 + 4790, seq: 2),
            StoredUPSEvent(ups: "eaton@nut:3493", kind: .mainsOut, at: p0 + 3590, seq: 1),
            StoredUPSEvent(ups: "eaton@nut:3493", kind: .commsLost, at: p0 - 50, reason: "stale-reason", seq: 0),
        ]
        return DigestReport.make(
            period: period, now: period.end, details: [ok, cam, nas, shed], incidents: [before, cut], logRows: logRows,
            upsEvents: ups)
    }

    @Test func theFiguresAreThePeriodsAsThePagesCountThem() throws {
        let r = Self.report()
        #expect(r.devices.map(\.name) == ["cam", "pi-shed", "nas", "ok"])
        let shed = try #require(r.devices.first { $0.name == "pi-shed" })
        #expect(shed.outages == 2 && shed.down == 1620 && shed.longest == 1200)
        #expect(shed.causes == [.init(cause: .powerLoss, count: 1), .init(cause: .unknown, count: 1)])
        #expect(shed.uptime == 1 - 1620 / 86_400.0)
        let nas = try #require(r.devices.first { $0.name == "nas" })
        #expect(nas.outages == 1 && nas.down == 600 && nas.longest == 600)
        let cam = try #require(r.devices.first { $0.name == "cam" })
        #expect(cam.outages == 1 && cam.down == 7200)
        let ok = try #require(r.devices.first { $0.name == "ok" })
        #expect(ok.outages == 0 && ok.uptime == 1)
        // The fleet: every device's downtime over every device's known time, as the overview's header sums it.
        let fleetDown: Double = 1620 + 600 + 7200
        #expect(r.fleetUptime == 1 - fleetDown / (4 * 86_400))
        #expect(r.incidents.map(\.id) == ["power_cut-default-1796544000"])
        #expect(r.downNow == [.init(name: "cam", since: Self.p0 + 79_200)])
        #expect(r.powerWarnings.map(\.state) == [.appeared, .cleared])
        #expect(r.upsEvents.map(\.kind) == [.mainsOut, .mainsBack])
    }

    @Test func theTextSaysEveryFigureInLocalTime() {
        let n = DigestWriter.notification(
            Self.report(), schedule: DigestSchedule.parse("daily@08:00"),
            time: LocalTime(TimeZone(identifier: "Europe/Berlin")!))
        #expect(n.kind == .digest && n.title == "Daily digest to 2026-12-07 08:00 CET")
        let text = n.text
        #expect(text.hasPrefix("DowntimeMon daily digest, 2026-12-06 08:00–2026-12-07 08:00 CET\n"), "\(text)")
        #expect(text.contains("Fleet uptime: 97.27%"), "\(text)")
        #expect(
            text.contains(
                "  pi-shed  98.12%   2 outages, 27m 0s total, longest 20m 0s (power loss or crash 1, unknown 1)"),
            "\(text)")
        #expect(text.contains("  nas      99.30%   1 outage, 10m 0s total, longest 10m 0s (unknown 1)"), "\(text)")
        #expect(text.contains("  ok       100%     no outages"), "\(text)")
        #expect(
            text.contains("Incidents (1):\n  Power cut, 2026-12-06 09:00–09:20 CET (20m 0s): nas-old, pi-shed"),
            "\(text)")
        #expect(text.contains("Down now (1):\n  cam down since 2026-12-07 06:00 CET (2h 0m)"), "\(text)")
        #expect(text.contains("  2026-12-06 08:50 CET pi-shed: under-voltage appeared"), "\(text)")
        #expect(text.contains("  2026-12-06 08:55 CET pi-shed: under-voltage cleared"), "\(text)")
        #expect(text.contains("UPS events (2):\n  2026-12-06 08:59 CET UPS eaton@nut:3493: mains out"), "\(text)")
        #expect(!text.contains("throttled") && !text.contains("stale-reason"))
    }

    @Test func theHTMLIsATableOfTheSameFiguresWithNothingRemote() throws {
        let n = DigestWriter.notification(Self.report(), schedule: DigestSchedule.parse("weekly@mon08:00"), time: .utc)
        let html = try #require(n.html)
        #expect(n.title.hasPrefix("Weekly digest"))
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(html.contains("<th style=\"border:1px solid #ccc;padding:2px 8px;text-align:left\">Device</th>"))
        #expect(html.contains(">pi-shed</td>") && html.contains(">98.12%</td>") && html.contains(">27m 0s</td>"))
        #expect(html.contains(">power loss or crash 1, unknown 1</td>"))
        #expect(html.contains("<h2 style=\"font-size:1em\">Down now (1)</h2>"))
        #expect(!html.contains("<img") && !html.contains("src=") && !html.contains("http"))
        // SMTP's line limit: no line near 998 bytes.
        #expect(html.split(separator: "\n").allSatisfy { $0.utf8.count < 900 })
    }

    @Test func anEmailWithHTMLIsMultipartAlternativeTextFirst() throws {
        let n = DigestWriter.notification(Self.report(), schedule: nil, time: .utc)
        let body = EmailChannel.body(n, boundary: "b1")
        #expect(
            body.hasPrefix(
                "Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain"))
        let html = try #require(body.range(of: "--b1\r\nContent-Type: text/html; charset=utf-8\r\n"))
        let text = try #require(body.range(of: "DowntimeMon daily digest"))
        #expect(text.lowerBound < html.lowerBound)
        #expect(body.hasSuffix("</html>\r\n\r\n--b1--\r\n"))
        // Without HTML: the plain message as before.
        let plain = EmailChannel.body(MessageWriter.test(at: Self.p0))
        #expect(plain.hasPrefix("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"))
    }
}
