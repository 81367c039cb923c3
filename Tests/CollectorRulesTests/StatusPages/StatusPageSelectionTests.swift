import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorRules

/// Which devices a status page shows, under which labels, and what its model holds: pure, as tables.
@Suite struct StatusPageSelectionTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_305_600) // 2026-11-22T00:00:00Z

    @Test func selectorsAreReadOrRefusedWithTheReason() throws {
        let rows: [(String, Result<StatusPageSelector, StatusPageSelector.Refusal>)] = [
            ("site:home", .success(.site("home"))),
            (" Tag:Public ", .success(.tag("public"))),
            ("device:a,b", .success(.devices(["a", "b"]))),
            ("devices: B , a,b,", .success(.devices(["b", "a"]))),
            ("room:x", .failure(.unknownKind("room:x"))),
            ("home", .failure(.unknownKind("home"))),
            ("site:a,b", .failure(.unknownKind("site:a,b"))),
            ("", .failure(.empty(""))),
            ("device:", .failure(.empty("device:"))),
            ("tag: , ", .failure(.empty("tag: , "))),
            ("device:a,b c", .failure(.invalidName("b c"))),
        ]
        for (raw, expected) in rows {
            let got = Result { () throws(StatusPageSelector.Refusal) in try StatusPageSelector.parse(raw) }
            #expect(got == expected, "\(raw)")
            if case .success(let s) = got { #expect(try StatusPageSelector.parse(s.text) == s, "\(raw)") }
        }
        #expect(StatusPageSelector.Refusal.unknownKind("room:x").description.contains("site:NAME, tag:NAME"))
    }

    static func device(_ name: String, site: String? = nil, tags: [String] = [], shown: String? = nil, age: Double)
        -> DeviceRecord
    {
        DeviceRecord(
            name: name, tokenHash: [1], createdAt: t0 - age, tags: tags, site: site, displayName: shown)
    }

    @Test func membersAreTheSelectedDevicesInTheOrderAddedUnderTheirLabels() {
        let devices = [
            Self.device("nas", site: "home", tags: ["public"], age: 300),
            Self.device("cam", site: "home", shown: "Front door camera", age: 200),
            Self.device("router", site: "home", tags: ["public"], age: 100),
            Self.device("vps", tags: ["public"], shown: "Web server", age: 400),
        ]
        let rows: [(StatusPageSelector, [String])] = [
            (.site("home"), ["nas=Device 1", "cam=Front door camera", "router=Device 2"]),
            (.tag("public"), ["vps=Web server", "nas=Device 1", "router=Device 2"]),
            (.devices(["router", "ghost"]), ["router=Device 1"]),
            (.site("default"), ["vps=Web server"]),
            (.site("office"), []),
        ]
        for (selector, expected) in rows {
            let got = StatusPageSelection.members(selector, devices: devices).map { "\($0.device)=\($0.label)" }
            #expect(got == expected, "\(selector)")
        }
    }

    @Test func namesTitlesAndDisplayNamesAreChecked() {
        #expect(StatusPageRecord.normalize("Home") == "home")
        #expect(StatusPageRecord.normalize("home.json") == nil)
        #expect(StatusPageRecord.normalize("a b") == nil)
        #expect(StatusPageRecord.title("  Home  ") == "Home")
        #expect(StatusPageRecord.title("") == nil && StatusPageRecord.title(String(repeating: "x", count: 81)) == nil)
        #expect(DisplayName.normalize(" Front door camera ") == "Front door camera")
        #expect(DisplayName.normalize("a\u{7}b") == nil && DisplayName.normalize(" ") == nil)
        #expect(DisplayName.normalize(String(repeating: "x", count: 61)) == nil)
    }

    @Test func ninetyDaysAreTheLiveFiguresThenTheStoredOnes() {
        let now = Self.t0 + 3600
        let today = Availability.Day(start: Self.t0, down: 60, known: 3600, outages: 1)
        let stored: [(day: String, down: Double, known: Double)] = [
            ("2026-11-21", 5, 86_400), // a live day wins over its stored figure
            ("2026-09-01", 30, 86_400),
            ("2026-08-01", 30, 86_400), // before the 90 days
        ]
        let live = [Availability.Day(start: Self.t0 - 86_400, down: 0, known: 86_400), today]
        let days = StatusPageModel.days(live: live, stored: stored, now: now)
        #expect(days.count == 90 && days.last == today && days.first?.start == Self.t0 - 89 * 86_400)
        #expect(days[88].down == 0 && days[88].known == 86_400)
        let sept = days.first { WireTime.format($0.start).hasPrefix("2026-09-01") }
        #expect(sept?.down == 30 && sept?.known == 86_400)
        #expect(days.filter { $0.known > 0 }.count == 3)
    }

    static func detail(_ name: String, _ status: DeviceStatus, outages: [OutageView]) -> DeviceDetail {
        let view = DeviceView(
            name: name, status: status, lastSeen: nil, intervalS: 10, agentVersion: "secret-agent",
            bootID: "secret-boot",
            clockSkewS: nil, clockSynced: nil, uptimeS: nil,
            currentOutage: status == .down ? outages.last : nil, lastOutage: nil,
            uptime: UptimeView(day: nil, week: nil, month: nil), tags: ["secret-tag"], site: "secret-site")
        return DeviceDetail(view: view, outages: outages, unknown: [], firstSeen: t0 - 86_400, days: [])
    }

    @Test func entriesAreTheIncidentsOfThePageAndItsDevicesOtherOutagesNewestFirst() {
        let now = Self.t0
        let cut = OutageView(start: now - 7200, end: now - 3600, durationS: 3600, cause: .powerLoss, source: "merged")
        let reboot = OutageView(start: now - 600, end: now - 540, durationS: 60, cause: .cleanReboot, source: "agent")
        let open = OutageView(start: now - 60, end: nil, durationS: 60, cause: .unknown, source: "collector")
        let gap = OutageView(start: now - 30, end: now - 20, durationS: 10, cause: .agentGap, source: "merged")
        let members = [
            StatusPageSelection.Member(device: "cam", label: "Camera"),
            StatusPageSelection.Member(device: "nas", label: "Device 1"),
        ]
        let details = [
            "cam": Self.detail("cam", .down, outages: [cut, open]),
            "nas": Self.detail("nas", .up, outages: [cut, reboot, gap]),
        ]
        let incidents = [
            Incident(
                id: "i1", kind: .powerCut, site: "secret-site", start: cut.start, end: cut.end,
                members: [
                    .init(device: "cam", start: cut.start, end: cut.end, cause: .powerLoss),
                    .init(device: "nas", start: cut.start, end: cut.end, cause: .powerLoss),
                    .init(device: "other", start: cut.start, end: cut.end, cause: .powerLoss),
                ], unaffected: ["x"], collectorDown: false),
            Incident(
                id: "i2", kind: .network, site: "elsewhere", start: now - 900, end: now - 800,
                members: [.init(device: "other", start: now - 900, end: now - 800, cause: .network)], unaffected: [],
                collectorDown: false),
        ]
        let m = StatusPageModel.make(
            title: "Home", members: members, details: details, stored: [:], incidents: incidents, now: now)
        #expect(
            m.rows.map { "\($0.label) \($0.status.rawValue) \($0.downSince == open.start)" } == [
                "Camera down true", "Device 1 up false",
            ])
        #expect(
            m.entries.map { "\($0.kind.words) \($0.devices.joined(separator: "+")) \(Int($0.lengthS(now: now)))" } == [
                "Outage Camera 60", "Outage (clean reboot) Device 1 60", "Power cut Camera+Device 1 3600",
            ])
        #expect(m.entries.allSatisfy { $0.kind.code != "network" })
    }
}
