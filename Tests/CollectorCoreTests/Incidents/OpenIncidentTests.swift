import CollectorCore
import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorRules

/// The open-incident rule: a device that went silent in the cut's moment and has not reported is a member (still
/// down, cause not known yet), the incident open until it is back or has been silent for a day.
@Suite struct OpenIncidentTests {
    static let t = Date(timeIntervalSince1970: 1_795_335_000)

    typealias Outage = IncidentCorrelator.Outage

    static func power(_ start: TimeInterval, _ end: TimeInterval?) -> Outage {
        Outage(start: t + start, end: end.map { t + $0 }, cause: .powerLoss, precision: 60)
    }

    /// Seen by the collector only: dated at its last beat, precise to a beat and the grace.
    static func silent(_ start: TimeInterval, _ end: TimeInterval? = nil) -> Outage {
        Outage(start: t + start, end: end.map { t + $0 }, cause: .unknown, precision: 15)
    }

    static func site(shed: Outage?, nas: Outage? = nil) -> [IncidentCorrelator.Device] {
        [
            .init(name: "pi-kitchen", site: "home", outages: [power(0, 22)], firstSeen: t - 86_400),
            .init(name: "pi-garage", site: "home", outages: [power(1, 24)], firstSeen: t - 86_400),
            .init(name: "pi-shed", site: "home", outages: shed.map { [$0] } ?? [], firstSeen: t - 86_400),
            .init(name: "nas", site: "home", outages: nas.map { [$0] } ?? [], firstSeen: t - 86_400),
        ]
    }

    static func run(_ devices: [IncidentCorrelator.Device], now: TimeInterval, known: [Incident] = []) -> [Incident] {
        IncidentCorrelator.incidents(
            devices: devices, collectorDown: [], collectorSite: "default", known: known, now: t + now)
    }

    @Test func aDeviceSilentSinceTheCutIsAStillDownMemberAndKeepsTheIncidentOpen() throws {
        let i = try #require(Self.run(Self.site(shed: Self.silent(2)), now: 300).first)
        #expect(i.members.map(\.device) == ["pi-kitchen", "pi-garage", "pi-shed"])
        let shed = try #require(i.members.last)
        #expect(shed.cause == .unknown && shed.end == nil && shed.standing == .stillDown)
        #expect(i.end == nil && i.stillDown.map(\.device) == ["pi-shed"])
        #expect(i.unaffected == ["nas"])
        let text = MessageWriter.incident(i).text
        #expect(text.contains("pi-shed still down (cause not known yet)"), "\(text)")
        #expect(text.contains("ongoing"), "\(text)")
    }

    @Test func backWithItsOwnReportTheMemberTakesItsCauseAndEndAndTheIncidentCloses() throws {
        let open = try #require(Self.run(Self.site(shed: Self.silent(2)), now: 300).first)
        // Back an hour later: its agent reports the power loss (start from its persisted time).
        let closed = try #require(
            Self.run(Self.site(shed: Self.power(-10, 3600)), now: 3700, known: [open]).first)
        #expect(closed.id == open.id)
        let shed = try #require(closed.members.first { $0.device == "pi-shed" })
        #expect(shed.cause == .powerLoss && shed.end == Self.t + 3600 && shed.standing == .back)
        #expect(closed.end == Self.t + 3600)
    }

    @Test func aDaySilentItNeverCameBackAndTheIncidentClosesAtTheOthersEnd() throws {
        let before = try #require(Self.run(Self.site(shed: Self.silent(2)), now: 86_401).first)
        #expect(before.end == nil)
        let after = try #require(Self.run(Self.site(shed: Self.silent(2)), now: 86_402 + 1).first)
        let shed = try #require(after.members.first { $0.device == "pi-shed" })
        #expect(shed.standing == .neverCameBack && shed.end == nil)
        #expect(after.end == Self.t + 24 && after.stillDown.isEmpty)
        #expect(MessageWriter.incident(after).text.contains("pi-shed never came back"))
    }

    /// Exactly at the edge: silent for `giveUpAfter` is given up on, a second less is not.
    @Test(arguments: [(86_401.0, false), (86_402.0, true)])
    func theGiveUpEdge(now: Double, givenUp: Bool) throws {
        let i = try #require(Self.run(Self.site(shed: Self.silent(2)), now: now).first)
        #expect((i.members.last?.neverCameBack ?? false) == givenUp)
    }

    @Test func aDeviceSilentLaterIsNotOfTheCut() throws {
        // Last heard 5 minutes after the others went: it was alive after the cut's moment.
        let i = try #require(Self.run(Self.site(shed: Self.silent(300)), now: 900).first)
        #expect(i.members.map(\.device) == ["pi-kitchen", "pi-garage"] && i.end == Self.t + 24)
    }

    @Test func aSilentDeviceAloneIsNoIncident() {
        let devices: [IncidentCorrelator.Device] = [
            .init(name: "pi-shed", site: "home", outages: [Self.silent(2)], firstSeen: Self.t - 86_400),
            .init(name: "pi-kitchen", site: "home", outages: [Self.power(0, 22)], firstSeen: Self.t - 86_400),
        ]
        #expect(Self.run(devices, now: 300).isEmpty)
    }

    @Test func theAPIAndTheStoreSayWhereEachMemberStands() throws {
        let i = try #require(Self.run(Self.site(shed: Self.silent(2)), now: 300).first)
        let json = String(decoding: try JSONEncoder().encode(i), as: UTF8.self)
        #expect(json.contains("\"ongoing\":true") && json.contains("\"state\":\"still_down\""), "\(json)")
        #expect(json.contains("\"state\":\"back\""))
    }
}
