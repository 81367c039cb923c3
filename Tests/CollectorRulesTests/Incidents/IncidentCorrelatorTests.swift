import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorRules

@Suite struct IncidentCorrelatorTests {
    static let t = Date(timeIntervalSince1970: 1_795_335_000)
    static let seen = t - 86_400

    typealias Device = IncidentCorrelator.Device
    typealias Outage = IncidentCorrelator.Outage

    /// Precision 60 s: the agent's default persist interval.
    static func power(_ start: TimeInterval, _ end: TimeInterval?, precision: TimeInterval = 60) -> Outage {
        Outage(start: t + start, end: end.map { t + $0 }, cause: .powerLoss, precision: precision)
    }

    static func net(_ start: TimeInterval, _ end: TimeInterval?) -> Outage {
        Outage(start: t + start, end: end.map { t + $0 }, cause: .network, precision: 15)
    }

    static func device(_ name: String, _ site: String = "house", _ outages: Outage...) -> Device {
        Device(name: name, site: site, outages: outages, firstSeen: seen)
    }

    static func run(
        _ devices: [Device], collectorDown: [DateInterval] = [], collectorSite: String = "default",
        known: [Incident] = [], mainsOut: [IncidentCorrelator.MainsOut] = []
    ) -> [Incident] {
        IncidentCorrelator.incidents(
            devices: devices, collectorDown: collectorDown, collectorSite: collectorSite, known: known,
            mainsOut: mainsOut, now: t + 86_400)
    }

    /// A UPS of the site that went on battery between the earliest start and the latest start plus its precision
    /// (and the tolerance either side) gives the power cut its exact start; one elsewhere or too far does not. Here the
    /// window is 0 − 120 s to 40 + 60 + 120 s.
    static let mainsCases: [(String, Double, Bool)] = [
        ("house", 25, true), ("house", -120, true), ("house", -121, false), ("house", 220, true),
        ("house", 221, false), ("office", 25, false),
    ]

    @Test(arguments: mainsCases)
    func aMainsOutOfTheSiteIsTheExactStart(site: String, at: Double, used: Bool) throws {
        let devices = [
            Self.device("a", "house", Self.power(0, 600, precision: 60)),
            Self.device("b", "house", Self.power(40, 600, precision: 60)),
        ]
        let mains = [IncidentCorrelator.MainsOut(site: site, ups: "ups@nas:3493", at: Self.t + at)]
        let out = Self.run(devices, mainsOut: mains)
        let i = try #require(out.first)
        #expect(i.mainsOut == (used ? Incident.MainsOut(ups: "ups@nas:3493", at: Self.t + at) : nil))
        #expect(i.start == (used ? Self.t + at : Self.t))
        // The id stays the members' own: a mains-out known later does not make another incident.
        #expect(i.id == Incident.id(kind: .powerCut, site: "house", start: Self.t))
    }

    @Test func aNetworkIncidentTakesNoMainsOut() {
        let devices = [Self.device("a", "house", Self.net(0, 600)), Self.device("b", "house", Self.net(10, 600))]
        let mains = [IncidentCorrelator.MainsOut(site: "house", ups: "ups@nas:3493", at: Self.t + 5)]
        let out = Self.run(devices, mainsOut: mains)
        #expect(out.count == 1 && out[0].kind == .network && out[0].mainsOut == nil && out[0].start == Self.t)
    }

    /// Starts apart by `gap`: one incident when both can have started at one moment (each real start lies between the
    /// recorded start and that plus its precision, 2 s of simultaneity either side), none otherwise. A coarse first
    /// start (persist every 5 min) reaches as far as its precision.
    @Test(arguments: [
        (0.0, 60.0, true), (64.0, 60.0, true), (64.5, 60.0, false), (119.0, 60.0, false), (300.0, 60.0, false),
        (304.0, 300.0, true), (304.5, 300.0, false),
    ])
    func startsThatCanBeOneMoment(gap: Double, precisionA: Double, joined: Bool) {
        let out = Self.run([
            Self.device("a", "house", Self.power(0, 600, precision: precisionA)),
            Self.device("b", "house", Self.power(gap, 600, precision: 2)),
        ])
        #expect(out.count == (joined ? 1 : 0))
    }

    /// Issue #26's campaign: on a site with many outages, separate cuts seconds apart stay apart, each with its own
    /// devices, instead of chaining into incidents of outages a minute apart.
    @Test func manyOutagesOfASiteAreGroupedByTheirCuts() {
        let p = 3.0 // the campaign's agents persist every 3 s
        let out = Self.run([
            Self.device("a", "house", Self.power(0, 5, precision: p), Self.power(60, 70, precision: p)),
            Self.device("b", "house", Self.power(10, 15, precision: p), Self.power(60.4, 70, precision: p)),
            Self.device("c", "house", Self.power(85, 90, precision: p), Self.power(60.2, 70, precision: p)),
        ])
        #expect(out.count == 1)
        #expect(out.first?.members.map(\.device).sorted() == ["a", "b", "c"])
        #expect(out.first?.start == Self.t + 60)
    }

    @Test func powerCutWithSpanUnaffectedAndStableID() {
        let devices = [
            Self.device("freezer-pi", "house", Self.power(0, 9480)),
            Self.device("hall-pi", "house", Self.power(40, 9500)),
            Self.device("cam-pi", "house", Self.power(55, 9460)),
            Self.device("nas", "house"),
            Self.device("office-pi", "office"),
        ]
        let out = Self.run(devices)
        #expect(out.count == 1)
        let i = out[0]
        #expect(i.kind == .powerCut && i.site == "house")
        #expect(i.start == Self.t && i.end == Self.t + 9500)
        #expect(i.members.map(\.device) == ["freezer-pi", "hall-pi", "cam-pi"])
        #expect(i.unaffected == ["nas"])
        #expect(!i.collectorDown)
        #expect(i.id == "power_cut-house-\(Int(Self.t.timeIntervalSince1970))")
        // Re-running gives the same record.
        #expect(Self.run(devices.reversed()) == out)
    }

    @Test func oneDeviceAloneIsNoIncident() {
        #expect(Self.run([Self.device("a", "house", Self.power(0, 60)), Self.device("b", "house")]).isEmpty)
    }

    @Test func sameMomentInTwoSitesIsTwoIncidents() {
        let out = Self.run([
            Self.device("a", "house", Self.power(0, 60)), Self.device("b", "house", Self.power(5, 60)),
            Self.device("c", "office", Self.power(0, 60)), Self.device("d", "office", Self.power(1, 60)),
            // Alone in its site: no incident, though its outage matches the others'.
            Self.device("e", "barn", Self.power(0, 60)),
        ])
        #expect(out.map(\.site).sorted() == ["house", "office"])
        #expect(out.allSatisfy { $0.members.count == 2 })
    }

    @Test func defaultSiteDevicesFormIncidentsToo() {
        let out = Self.run([
            Device(name: "a", outages: [Self.power(0, 60)], firstSeen: Self.seen),
            Device(name: "b", outages: [Self.power(3, 60)], firstSeen: Self.seen),
        ])
        #expect(out.count == 1 && out[0].site == "default")
    }

    @Test func networkIncidentAndARebootInsideIt() {
        // a and b saw the collector unreachable without rebooting; c rebooted (power) inside the same window: it
        // is no network member; alone it makes no power cut either.
        let out = Self.run([
            Self.device("a", "house", Self.net(0, 2280)), Self.device("b", "house", Self.net(10, 2290)),
            Self.device("c", "house", Self.power(10, 2000)), Self.device("d", "house"),
        ])
        #expect(out.count == 1)
        #expect(out[0].kind == .network)
        #expect(out[0].members.map(\.device) == ["a", "b"])
        #expect(out[0].members.allSatisfy { $0.cause == .network })
        // c was down within the span: it did not stay up.
        #expect(out[0].unaffected == ["d"])
        #expect(out[0].id.hasPrefix("network-house-"))
    }

    @Test func collectorDownOnlyInItsOwnSite() {
        let away = [DateInterval(start: Self.t + 30, end: Self.t + 4000)]
        let devices = [
            Self.device("a", "house", Self.power(0, 3000)), Self.device("b", "house", Self.power(5, 3000)),
            Self.device("c", "office", Self.power(0, 3000)), Self.device("d", "office", Self.power(5, 3000)),
        ]
        let out = Self.run(devices, collectorDown: away, collectorSite: "house")
        #expect(out.first { $0.site == "house" }?.collectorDown == true)
        #expect(out.first { $0.site == "office" }?.collectorDown == false)
        // A collector_down window after the incident's span does not count.
        let later = [DateInterval(start: Self.t + 3001, end: Self.t + 4000)]
        #expect(Self.run(devices, collectorDown: later, collectorSite: "house").allSatisfy { !$0.collectorDown })
    }

    @Test func lateMemberJoinsWithTheSameID() {
        let first = Self.run([
            Self.device("a", "house", Self.power(30, 600)), Self.device("b", "house", Self.power(40, 610)),
            Self.device("c", "house"),
        ])
        #expect(first.count == 1 && first[0].unaffected == ["c"])
        // c's report arrives later from its outbox, with an earlier start (its persist interval): the earliest
        // start moves, the id stays.
        let later = Self.run(
            [
                Self.device("a", "house", Self.power(30, 600)), Self.device("b", "house", Self.power(40, 610)),
                Self.device("c", "house", Self.power(0, 700, precision: 60)),
            ], known: first)
        #expect(later.count == 1)
        #expect(later[0].id == first[0].id)
        #expect(later[0].members.map(\.device) == ["c", "a", "b"])
        #expect(later[0].start == Self.t && later[0].end == Self.t + 700)
        #expect(later[0].unaffected.isEmpty)
        // Without what was recorded, the id would be derived from the new earliest start.
        #expect(
            Self.run([Self.device("a", "house", Self.power(30, 600)), Self.device("c", "house", Self.power(0, 700))])[0]
                .id != first[0].id)
    }

    @Test func aDeviceJoinsOnceAndSeparateCutsStayApart() {
        let out = Self.run([
            Self.device("a", "house", Self.power(0, 20), Self.power(60, 90)),
            Self.device("b", "house", Self.power(5, 30), Self.power(3600, 3700)),
            Self.device("c", "house", Self.power(3610, 3700)),
        ])
        #expect(out.count == 2)
        // Newest first.
        #expect(out[0].members.map(\.device) == ["b", "c"])
        #expect(out[1].members.map(\.device) == ["a", "b"])
        #expect(out[1].end == Self.t + 30)
    }

    /// A grid flicker (issue #26): the power goes, comes back for 15 s and goes again, for the same three devices.
    static let flicker = [
        device("a", "house", power(0, 30, precision: 60), power(45, 600, precision: 60)),
        device("b", "house", power(1, 31, precision: 60), power(46, 601, precision: 60)),
        device("c", "house", power(2, 32, precision: 60), power(47, 602, precision: 60)),
    ]

    @Test func aFlickerIsTwoIncidentsWithTheirOwnMembersAndIDs() {
        let out = Self.run(Self.flicker)
        #expect(out.count == 2)
        // Newest first: the second cut, then the first; each device once in each, with its own outage.
        #expect(
            out.map(\.id) == [
                "power_cut-house-\(Int(Self.t.timeIntervalSince1970) + 45)",
                "power_cut-house-\(Int(Self.t.timeIntervalSince1970))",
            ])
        #expect(out[0].members.map(\.start) == [Self.t + 45, Self.t + 46, Self.t + 47])
        #expect(out[1].members.map(\.start) == [Self.t, Self.t + 1, Self.t + 2])
        #expect(out.allSatisfy { $0.members.map(\.device) == ["a", "b", "c"] })
        #expect(out[1].end == Self.t + 32)
    }

    /// Re-running over what was recorded (as the recorder does every 2 s) gives the same records: no id is given to
    /// the other cut, no record is rewritten back and forth.
    @Test func reRunningOverTheRecordedFlickerChangesNothing() {
        var stored: [String: Incident] = [:]
        var runs: [[Incident]] = []
        for _ in 0..<3 {
            let out = Self.run(Self.flicker, known: Array(stored.values))
            #expect(Set(out.map(\.id)).count == out.count)
            for i in out { stored[i.id] = i }
            runs.append(out)
        }
        #expect(runs[1] == runs[0] && runs[2] == runs[0])
        #expect(stored.count == 2)
    }

    @Test func anIncidentRecordedFromTheFirstCutKeepsItsMembersWhenTheSecondArrives() throws {
        // Only the first cut's reports are in (the second's are still in the agents' outboxes).
        let firstOnly = Self.flicker.map { d in
            Device(name: d.name, site: d.site, outages: [d.outages[0]], firstSeen: d.firstSeen)
        }
        let recorded = Self.run(firstOnly)
        let first = try #require(recorded.first)
        #expect(recorded.count == 1)
        let out = Self.run(Self.flicker, known: recorded)
        let kept = try #require(out.first { $0.id == first.id })
        #expect(kept == first)
        let second = try #require(out.first { $0.id != first.id })
        #expect(second.members.map(\.start) == [Self.t + 45, Self.t + 46, Self.t + 47])
        // Two network outages close together are two incidents the same way.
        let links = Self.flicker.map { d in
            Device(
                name: d.name, site: d.site,
                outages: d.outages.map { Outage(start: $0.start, end: $0.end, cause: .network, precision: 15) },
                firstSeen: d.firstSeen)
        }
        let nets = Self.run(links, known: Self.run(links))
        #expect(nets.count == 2 && Set(nets.map(\.id)).count == 2 && nets.allSatisfy { $0.kind == .network })
    }

    /// A record from before this rule that holds the second cut's members under the first cut's id keeps them; the
    /// first cut gets that id with `-2` rather than taking the record over.
    @Test func aFreshIDThatIsTakenGetsASuffix() {
        let id = Incident.id(kind: .powerCut, site: "house", start: Self.t)
        var old = Self.run(Self.flicker)[0]
        old.id = id
        let out = Self.run(Self.flicker, known: [old])
        #expect(out.map(\.id) == [id, id + "-2"])
        #expect(out[0].members.map(\.start) == old.members.map(\.start))
    }

    /// A device's outages go to the cuts in their order, and only to a cut it can have been down in: c's first outage
    /// (30–40 s) is not in the first cut, whose a was back up at 10 s (a real start is never after its end, whatever
    /// the precision), but in the next one; c's second outage is then its own.
    @Test func aDevicesOutagesFillTheCutsInTheirOrder() {
        let out = Self.run([
            Self.device("a", "house", Self.power(0, 10), Self.power(20, 600)),
            Self.device("b", "house", Self.power(5, 15)),
            Self.device("c", "house", Self.power(30, 40), Self.power(50, 600)),
        ])
        #expect(out.map { $0.members.map(\.device) } == [["a", "c"], ["a", "b"]])
        #expect(out[0].members.map(\.start) == [Self.t + 20, Self.t + 30])
        #expect(out[1].members.map(\.start) == [Self.t, Self.t + 5])
    }

    /// Campaign seed 277: c1 lost power alone (0–1.8 s) and was up again 2.5 s before the whole site lost it (4.3 s).
    /// Its short outage came first and took the site cut's place, leaving its outage in the cut in no incident; an
    /// outage over before the others' moment gives that place to the device's outage that was down then.
    @Test func anOutageOverBeforeTheCutGivesItsPlaceToTheOneInTheCut() throws {
        let p = 3.0
        let out = Self.run([
            Self.device("c1", "site-c", Self.power(0, 1.847, precision: p), Self.power(4.302, 16.721, precision: p)),
            Self.device("c2", "site-c", Self.power(3.901, 16.723, precision: p)),
            Self.device("c3", "site-c", Self.power(3.681, 16.717, precision: p)),
        ])
        let cut = try #require(out.first)
        #expect(out.count == 1)
        #expect(cut.members.map(\.device) == ["c3", "c2", "c1"])
        #expect(cut.members.map(\.start) == [Self.t + 3.681, Self.t + 3.901, Self.t + 4.302])
        // Without the lone outage, the same incident: it changes nothing of the cut.
        let alone = Self.run([
            Self.device("c1", "site-c", Self.power(4.302, 16.721, precision: p)),
            Self.device("c2", "site-c", Self.power(3.901, 16.723, precision: p)),
            Self.device("c3", "site-c", Self.power(3.681, 16.717, precision: p)),
        ])
        #expect(alone.map(\.members) == out.map(\.members))
    }

    /// Campaign seed 307: a flicker at site-b. b2's first outage fell outside the others' first moment; in order of
    /// start, b1's and b3's first outages took one group and their second ones could not join b2's, so the second cut
    /// was split. Each cut is taken at its busiest moment: two incidents, each device once in each.
    @Test func aFlickerWhereOneDeviceMissedTheFirstCutStaysTwoWholeIncidents() throws {
        let p = 2.0
        let out = Self.run([
            Self.device(
                "b1", "site-b", Self.power(1.907, 4.002, precision: p), Self.power(7.086, 15.988, precision: p)),
            Self.device("b2", "site-b", Self.power(6.923, 15.99, precision: p)),
            Self.device(
                "b3", "site-b", Self.power(1.914, 4.232, precision: p), Self.power(6.987, 15.987, precision: p)),
        ])
        #expect(out.count == 2)
        let first = try #require(out.first { $0.members.count == 2 })
        let second = try #require(out.first { $0.members.count == 3 })
        #expect(first.members.map(\.device).sorted() == ["b1", "b3"])
        #expect(first.members.map(\.start).sorted() == [Self.t + 1.907, Self.t + 1.914])
        #expect(second.members.map(\.device).sorted() == ["b1", "b2", "b3"])
        #expect(second.members.map(\.start).sorted() == [Self.t + 6.923, Self.t + 6.987, Self.t + 7.086])
        #expect(first.id != second.id)
    }

    @Test func unaffectedNeedsToBeKnownAndUpOverTheSpan() {
        let out = Self.run([
            Self.device("a", "house", Self.power(0, 600)), Self.device("b", "house", Self.power(5, 600)),
            // Enrolled during the cut: not known to have stayed up.
            Device(name: "new-pi", site: "house", outages: [], firstSeen: Self.t + 100),
            // An outage of another cause overlapping the span.
            Self.device(
                "flaky", "house", Outage(start: Self.t + 500, end: Self.t + 900, cause: .unknown, precision: 15)),
            // Down before, back before the span.
            Self.device("early", "house", Outage(start: Self.t - 900, end: Self.t - 1, cause: .unknown, precision: 15)),
        ])
        #expect(out[0].unaffected == ["early"])
    }

    @Test func anOpenMemberLeavesTheIncidentOpen() {
        let out = Self.run([
            Self.device("a", "house", Self.power(0, 600)), Self.device("b", "house", Self.power(5, nil)),
        ])
        #expect(out[0].end == nil)
        #expect(out[0].durationS(now: Self.t + 1000) == 1000)
    }

    @Test func idsAreCheckedBeforeUse() {
        #expect(Incident.isValidID("power_cut-holiday-house-1764555180"))
        #expect(!Incident.isValidID("power cut"))
        #expect(!Incident.isValidID(""))
        #expect(!Incident.isValidID(String(repeating: "a", count: 161)))
    }
}
