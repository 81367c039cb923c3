import CollectorCore
import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorRules

@Suite struct NotificationPlannerTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_335_000)

    static func flip(_ d: String, _ from: String, _ to: String, at: Date = t0) -> FlipChange {
        FlipChange(
            device: d, status: DeviceStatus(rawValue: to) ?? .up,
            event: Event(
                device: d, at: at, bootID: nil,
                payload: .flip(FlipRecord(from: FlipRecord.status(from), to: FlipRecord.status(to), reason: "r"))))
    }

    func run(_ p: inout NotificationPlanner, at offset: TimeInterval, count: Int = 10) -> [String] {
        p.due(now: Self.t0 + offset, deviceCount: count).map {
            "\($0.kind.rawValue):\($0.devices.joined(separator: ","))"
        }
    }

    @Test func aDownIsToldAfterTheGroupWindowAndAnUpAfterSettling() {
        var p = NotificationPlanner(damp: 600, groupWindow: 10, settle: 30)
        p.observe([Self.flip("a", "up", "down")], now: Self.t0)
        #expect(run(&p, at: 9.9) == [])
        #expect(run(&p, at: 10) == ["down:a"])
        p.observe([Self.flip("a", "down", "up")], now: Self.t0 + 100)
        #expect(run(&p, at: 129) == [])
        #expect(run(&p, at: 130) == ["up:a"])
        #expect(run(&p, at: 2000) == []) // no flapping summary: it did not bounce
    }

    /// A return within the down's hold tells nothing; one seen after the hold ended (a collector killed while it held
    /// the down replays both flips at once, campaign seed 353) tells the down, then the return.
    @Test func aReturnAfterTheHoldEndedStillTellsTheDown() {
        var p = NotificationPlanner(damp: 600, groupWindow: 10, settle: 30)
        p.observe([Self.flip("a", "up", "down")], now: Self.t0)
        p.observe([Self.flip("a", "down", "up")], now: Self.t0 + 9.9)
        #expect(run(&p, at: 100) == [])
        var q = NotificationPlanner(damp: 600, groupWindow: 10, settle: 30)
        q.observe([Self.flip("a", "up", "down")], now: Self.t0)
        q.observe([Self.flip("a", "down", "up")], now: Self.t0 + 19)
        #expect(run(&q, at: 20) == ["down:a"])
        #expect(run(&q, at: 48.9) == [])
        #expect(run(&q, at: 49) == ["up:a"])
        // The down replayed after its return was observed live (a restart's first tick came after a beat): the same.
        var r = NotificationPlanner(damp: 600, groupWindow: 10, settle: 30)
        r.observe([Self.flip("a", "down", "up")], now: Self.t0 + 19)
        r.observe([Self.flip("a", "up", "down")], now: Self.t0)
        #expect(run(&r, at: 20) == ["down:a"])
        #expect(run(&r, at: 49) == ["up:a"])
        // A live bounce (down again after the return, before it was told) is still a bounce.
        var b = NotificationPlanner(damp: 600, groupWindow: 10, settle: 30)
        b.observe([Self.flip("a", "down", "up")], now: Self.t0 + 19)
        b.observe([Self.flip("a", "up", "down", at: Self.t0 + 19)], now: Self.t0 + 22)
        #expect(run(&b, at: 100) == [])
        // Campaign seed 359: a down held past its due (its message not out yet), its return seen on a clock stepped
        // ahead, and a live down after the step back that reads earlier than the return: a bounce, one down message.
        var s = NotificationPlanner(damp: 600, groupWindow: 10, settle: 30)
        s.observe([Self.flip("a", "up", "down")], now: Self.t0)
        s.observe([Self.flip("a", "down", "up")], now: Self.t0 + 30)
        s.observe([Self.flip("a", "up", "down", at: Self.t0 + 12)], now: Self.t0 + 12)
        #expect(run(&s, at: 13) == ["down:a"])
        #expect(run(&s, at: 100) == [])
    }

    /// A step of the collector's clock moves every wait with it (campaign seed 277: an incident held past a kill was
    /// due a minute late after a step back of 60 s): the hold lasts as long as without the step, either way.
    @Test(arguments: [-60.0, 45.0])
    func aClockStepMovesEveryWaitWithIt(step: Double) {
        var p = NotificationPlanner(damp: 600, groupWindow: 10, settle: 30)
        p.observe([Self.flip("a", "up", "down")], now: Self.t0)
        p.observeIncident(Self.incident(["b", "c"]), new: true, now: Self.t0 + 2)
        p.observe(.clockStepped(by: step))
        // The down waited 10 s, the incident 30 s, on the clock that now reads `step` more.
        #expect(run(&p, at: step + 9.9) == [])
        #expect(run(&p, at: step + 10) == ["down:a"])
        #expect(run(&p, at: step + 31.9) == [])
        #expect(run(&p, at: step + 32) == ["incident:b,c"])
        // The quiet time after a's down (600 s from its message) moved too: a bounce just before its end is damped.
        p.observe([Self.flip("a", "down", "up"), Self.flip("a", "up", "down")], now: Self.t0 + step + 605)
        #expect(run(&p, at: step + 620).filter { $0.hasPrefix("down") } == [])

        // A service check's held failing and a told one's quiet time move too (issue #30).
        func check(_ name: String, _ from: CheckState, _ to: CheckState, at: TimeInterval) -> PlannerInput {
            let record = CheckFlipRecord(name: name, from: from, to: to, detail: "")
            return .checkFlips([CheckFlip(device: "pi", record: record, at: Self.t0 + at)], now: Self.t0 + at)
        }
        var q = NotificationPlanner(damp: 600, groupWindow: 10, settle: 30)
        q.observe(check("ha", .ok, .failing, at: 0))
        #expect(run(&q, at: 30) == ["check_failing:pi"])
        q.observe(check("ha", .failing, .ok, at: 40))
        q.observe(check("ha", .ok, .failing, at: 41)) // a bounce in ha's quiet time (till 630): its summary
        q.observe(check("db", .ok, .failing, at: 50))
        q.observe(.clockStepped(by: step))
        #expect(run(&q, at: step + 79.9) == [])
        #expect(run(&q, at: step + 80) == ["check_failing:pi"])
        #expect(run(&q, at: step + 629.9) == [])
        #expect(run(&q, at: step + 630) == ["flapping:pi"])
    }

    /// Behind a down parent a device raises no message of its own (the parent's says how many); still silent
    /// after the parent's return it is down like any other.
    @Test func unreachableIsNotToldItsDownAfterTheParentsReturnIs() {
        var p = NotificationPlanner(damp: 600, groupWindow: 10, settle: 30)
        p.observe(
            [
                Self.flip("router", "up", "down"), Self.flip("a", "up", "unreachable"),
                Self.flip("b", "up", "unreachable"),
            ],
            now: Self.t0)
        #expect(run(&p, at: 10, count: 4) == ["down:router"])
        p.observe([Self.flip("router", "down", "up"), Self.flip("a", "unreachable", "up")], now: Self.t0 + 100)
        p.observe([Self.flip("b", "unreachable", "down")], now: Self.t0 + 135)
        #expect(run(&p, at: 130, count: 4) == ["up:router"])
        #expect(run(&p, at: 145, count: 4) == ["down:b"])
        // Four devices behind one parent are no "many down at once" group: only the parent went down.
        var q = NotificationPlanner()
        q.observe(
            [Self.flip("sw", "up", "down")] + ["a", "b", "c", "d"].map { Self.flip($0, "up", "unreachable") },
            now: Self.t0)
        #expect(run(&q, at: 10, count: 5) == ["down:sw"])
    }

    @Test func aStorageProblemIsToldOnceUntilItClears() {
        var p = NotificationPlanner()
        let path = "/var/lib/downtime-agent"
        p.observeStorage(device: "a", state: .readOnly, path: path, at: Self.t0)
        #expect(run(&p, at: 0) == ["storage:a"])
        p.observeStorage(device: "a", state: .readOnly, path: path, at: Self.t0 + 60) // a resent event
        #expect(run(&p, at: 60) == [])
        p.observeStorage(device: "a", state: .full, path: path, at: Self.t0 + 70) // another problem
        #expect(run(&p, at: 70) == ["storage:a"])
        p.observeStorage(device: "a", state: .ok, path: path, at: Self.t0 + 80) // cleared: quiet
        #expect(run(&p, at: 80) == [])
        p.observeStorage(device: "a", state: .full, path: path, at: Self.t0 + 90)
        p.observeStorage(device: "b", state: .ioError, path: path, at: Self.t0 + 90)
        #expect(run(&p, at: 90) == ["storage:a", "storage:b"])
    }

    @Test func underVoltageIsToldAtOnceThenDampedWithOneSummary() {
        var p = NotificationPlanner(damp: 600)
        p.observeUnderVoltage(device: "a", at: Self.t0)
        #expect(run(&p, at: 0) == ["under_voltage:a"])
        p.observeUnderVoltage(device: "a", at: Self.t0 + 60) // back within the quiet time: counted
        p.observeUnderVoltage(device: "a", at: Self.t0 + 120)
        p.observeUnderVoltage(device: "b", at: Self.t0 + 120) // another device: its own
        #expect(run(&p, at: 120) == ["under_voltage:b"])
        #expect(run(&p, at: 599) == [])
        let summary = p.due(now: Self.t0 + 600, deviceCount: 10)
        #expect(summary.map(\.kind) == [.underVoltage] && summary.first?.flips == 2 && summary.first?.devices == ["a"])
        p.observeUnderVoltage(device: "a", at: Self.t0 + 700) // after the quiet time: told again
        #expect(run(&p, at: 700) == ["under_voltage:a"])
        #expect(run(&p, at: 720) == []) // b's quiet time ends without returns: nothing
    }

    @Test func newDevicesAreToldAtOnce() {
        var p = NotificationPlanner()
        p.observe([Self.flip("n", "new", "up")], now: Self.t0)
        #expect(run(&p, at: 0) == ["new:n"])
    }

    @Test func aBlipShorterThanTheGroupWindowIsNotTold() {
        var p = NotificationPlanner(damp: 600, groupWindow: 10, settle: 30)
        p.observe([Self.flip("a", "up", "down")], now: Self.t0)
        p.observe([Self.flip("a", "down", "up")], now: Self.t0 + 5)
        #expect(run(&p, at: 100) == [])
    }

    @Test(arguments: [(4, 8, true), (4, 9, false), (3, 4, false), (5, 10, true)])
    func manyAtOnceAreGrouped(down: Int, fleet: Int, grouped: Bool) {
        var p = NotificationPlanner(damp: 600, groupWindow: 10, settle: 30)
        let names = (0..<down).map { "d\($0)" }
        p.observe(names.prefix(2).map { Self.flip($0, "up", "down") }, now: Self.t0)
        p.observe(names.dropFirst(2).map { Self.flip($0, "up", "down") }, now: Self.t0 + 3)
        let out = run(&p, at: 10, count: fleet)
        #expect(out == (grouped ? ["group:" + names.joined(separator: ",")] : names.map { "down:\($0)" }))
    }

    @Test func bouncingIsDampedIntoOneSummary() {
        var p = NotificationPlanner(damp: 600, groupWindow: 10, settle: 30)
        p.observe([Self.flip("a", "up", "down")], now: Self.t0)
        #expect(run(&p, at: 10) == ["down:a"])
        p.observe([Self.flip("a", "down", "up")], now: Self.t0 + 60)
        #expect(run(&p, at: 90) == ["up:a"])
        for (i, (from, to)) in [("up", "down"), ("down", "up"), ("up", "down"), ("down", "up")].enumerated() {
            p.observe([Self.flip("a", from, to)], now: Self.t0 + 100 + Double(i) * 20)
        }
        #expect(run(&p, at: 400) == [])
        let summary = p.due(now: Self.t0 + 610, deviceCount: 10)
        #expect(summary.map(\.kind) == [.flapping] && summary.first?.flips == 4)
        // After the quiet time a new down is told again.
        p.observe([Self.flip("a", "up", "down")], now: Self.t0 + 700)
        #expect(run(&p, at: 710) == ["down:a"])
    }

    @Test func backDownBeforeTheRecoveryWasToldCountsAsBounce() {
        var p = NotificationPlanner(damp: 600, groupWindow: 10, settle: 30)
        p.observe([Self.flip("a", "up", "down")], now: Self.t0)
        _ = run(&p, at: 10)
        p.observe([Self.flip("a", "down", "up")], now: Self.t0 + 20)
        p.observe([Self.flip("a", "up", "down")], now: Self.t0 + 25)
        #expect(run(&p, at: 100) == [])
        #expect(p.due(now: Self.t0 + 610, deviceCount: 10).first?.flips == 2)
    }

    @Test func pausesAreNotTold() {
        var p = NotificationPlanner()
        p.observe([Self.flip("a", "up", "paused"), Self.flip("a", "paused", "up")], now: Self.t0)
        #expect(run(&p, at: 1000) == [])
    }

    static func incident(_ devices: [String], unaffected: [String] = []) -> Incident {
        Incident(
            id: "power_cut-house-1", kind: .powerCut, site: "house", start: t0, end: t0 + 600,
            members: devices.map { Incident.Member(device: $0, start: t0, end: t0 + 600, cause: .powerLoss) },
            unaffected: unaffected, collectorDown: false)
    }

    /// Campaign seed 373: a member's later outage, its down told on its own after the incident's message, keeps its
    /// return when the told incident is updated (the slack around the member's end does not make it the incident's).
    @Test func aReturnOfADownToldOnItsOwnIsKeptWhenAToldIncidentIsUpdated() {
        var p = NotificationPlanner(damp: 0, groupWindow: 10, settle: 30)
        let incident = Self.incident(["a", "b"])
        p.observeIncident(incident, new: true, now: Self.t0 + 560)
        #expect(run(&p, at: 590) == ["incident:a,b"])
        p.observe([Self.flip("a", "up", "down", at: Self.t0 + 601)], now: Self.t0 + 601)
        #expect(run(&p, at: 611) == ["down:a"])
        // Back 14 s later: within the slack after the member's end (600 + 30).
        p.observe([Self.flip("a", "down", "up", at: Self.t0 + 615)], now: Self.t0 + 615)
        p.observeIncident(incident, new: false, now: Self.t0 + 616)
        #expect(run(&p, at: 700) == ["up:a"])
    }

    /// Campaign seeds 307, 317, 379: a told incident updated without a member its message named (that member's own
    /// report came later with another cause) is one correction naming it; the member's own return is then its own
    /// message, and a member that joins later is still no new message.
    @Test func aMemberLeavingAToldIncidentIsOneCorrection() {
        var p = NotificationPlanner(damp: 0, groupWindow: 10, settle: 30)
        p.observeIncident(Self.incident(["a", "b", "c"]), new: true, now: Self.t0 + 560)
        #expect(run(&p, at: 590) == ["incident:a,b,c"])
        p.observeIncident(Self.incident(["a", "b"]), new: false, now: Self.t0 + 620)
        let due = p.due(now: Self.t0 + 620, deviceCount: 10)
        #expect(due.map(\.kind) == [.correction] && due.first?.devices == ["c"])
        #expect(due.first?.incident?.deviceNames.sorted() == ["a", "b"])
        // The same update again, or another member joining: nothing more.
        p.observeIncident(Self.incident(["a", "b"]), new: false, now: Self.t0 + 630)
        p.observeIncident(Self.incident(["a", "b", "d"]), new: false, now: Self.t0 + 640)
        #expect(run(&p, at: 700) == [])
        // c's own return, later: told on its own (its incident no longer tells it).
        p.observe([Self.flip("c", "down", "up", at: Self.t0 + 605)], now: Self.t0 + 700)
        #expect(run(&p, at: 730) == ["up:c"])
    }

    @Test func anIncidentIsOneMessageReplacingItsMembersUps() {
        var p = NotificationPlanner(damp: 600, groupWindow: 10, settle: 30)
        let sites = ["a": "house", "b": "house", "c": "house", "x": "office"]
        p.observe(["a", "b", "c", "x"].map { Self.flip($0, "up", "down") }, now: Self.t0)
        // Three of one site and one of another, of a fleet too large for the fleet-wide group.
        #expect(
            p.due(now: Self.t0 + 10, deviceCount: 20, sites: sites).map {
                "\($0.kind.rawValue):\($0.devices.joined(separator: ",")):\($0.site ?? "-")"
            } == ["group:a,b,c:house", "down:x:-"])
        p.observe(["a", "b", "c", "x"].map { Self.flip($0, "down", "up") }, now: Self.t0 + 600)
        // The agents' reports arrive: the incident of a and b replaces their ups; c joins 8 s later, within the
        // settle time, so the one message names all three.
        p.observeIncident(Self.incident(["a", "b"]), new: true, now: Self.t0 + 602)
        #expect(run(&p, at: 602) == [])
        p.observeIncident(Self.incident(["a", "b", "c"]), new: false, now: Self.t0 + 610)
        // x's up is due; the incident waits for 30 s unchanged (since 610).
        #expect(run(&p, at: 630) == ["up:x"])
        #expect(run(&p, at: 639.9) == [])
        #expect(run(&p, at: 640) == ["incident:a,b,c"])
        // A member later than that updates the record without a message.
        p.observeIncident(Self.incident(["a", "b", "c", "d"]), new: false, now: Self.t0 + 700)
        #expect(run(&p, at: 5000) == [])
    }

    /// A member the incident's message told as still down: its return is told by its own up message (the update
    /// of the incident that closes it must not swallow it); the others' ups stay replaced.
    @Test func aMemberToldAsStillDownHasItsReturnTold() {
        var p = NotificationPlanner(damp: 0, groupWindow: 10, settle: 30)
        p.observe(["a", "b", "c"].map { Self.flip($0, "up", "down") }, now: Self.t0)
        _ = run(&p, at: 10)
        p.observe(["a", "b"].map { Self.flip($0, "down", "up") }, now: Self.t0 + 22)
        var open = Self.incident(["a", "b", "c"])
        open.members[2].end = nil
        open.end = nil
        p.observeIncident(open, new: true, now: Self.t0 + 25)
        #expect(run(&p, at: 55) == ["incident:a,b,c"])
        // c is back an hour later; the incident is updated with its end.
        p.observe([Self.flip("c", "down", "up", at: Self.t0 + 3600)], now: Self.t0 + 3600)
        var closed = open
        closed.members[2].end = Self.t0 + 3600
        closed.end = Self.t0 + 3600
        p.observeIncident(closed, new: false, now: Self.t0 + 3601)
        #expect(run(&p, at: 3630) == ["up:c"])
    }

    /// Issue #26 (the campaign): an update of an earlier incident must not swallow the held messages of a member's
    /// later, separate outage; the messages of the outage the incident tells are still replaced.
    @Test func anIncidentDropsOnlyTheMessagesOfTheOutagesItTells() {
        var p = NotificationPlanner(damp: 0, groupWindow: 10, settle: 30)
        // The earlier cut: a and b down at t0, back at t0 + 600; held ups replaced by its incident.
        p.observe(["a", "b"].map { Self.flip($0, "up", "down") }, now: Self.t0)
        _ = run(&p, at: 10)
        p.observe(["a", "b"].map { Self.flip($0, "down", "up") }, now: Self.t0 + 605)
        p.observeIncident(Self.incident(["a", "b"]), new: true, now: Self.t0 + 606)
        #expect(run(&p, at: 640) == ["incident:a,b"])
        // A later, separate outage of a (down at t0 + 700): the old incident updated again keeps a's down.
        p.observe([Self.flip("a", "up", "down", at: Self.t0 + 700)], now: Self.t0 + 703)
        p.observeIncident(Self.incident(["a", "b"]), new: false, now: Self.t0 + 705)
        #expect(run(&p, at: 713) == ["down:a"])
    }

    /// Campaign seed 337: after the incident's message, a member's later outage joined the incident for a while (the
    /// correlator took it out again later). That update tells nothing, so the outage keeps its own down and up.
    @Test func anUpdateOfAToldIncidentKeepsTheMessagesOfAnOutageItsMessageDidNotName() {
        var p = NotificationPlanner(damp: 0, groupWindow: 10, settle: 30)
        p.observe(["a", "b"].map { Self.flip($0, "up", "down") }, now: Self.t0)
        _ = run(&p, at: 10)
        p.observe(["a", "b"].map { Self.flip($0, "down", "up") }, now: Self.t0 + 605)
        let first = Self.incident(["a", "b"])
        p.observeIncident(first, new: true, now: Self.t0 + 606)
        #expect(run(&p, at: 640) == ["incident:a,b"])
        // a is down again at t0 + 700, back at t0 + 720; the incident is updated to take that outage as a's.
        p.observe([Self.flip("a", "up", "down", at: Self.t0 + 700)], now: Self.t0 + 703)
        var grown = first
        grown.members[0].start = Self.t0 + 700
        grown.members[0].end = Self.t0 + 720
        p.observeIncident(grown, new: false, now: Self.t0 + 705)
        #expect(run(&p, at: 713) == ["down:a"])
        p.observe([Self.flip("a", "down", "up", at: Self.t0 + 720)], now: Self.t0 + 721)
        p.observeIncident(grown, new: false, now: Self.t0 + 722)
        #expect(run(&p, at: 751) == ["up:a"])
    }

    /// Five Pis of a site report one after another as they boot (issue #26: one run's message named only the first
    /// three). Each member joining within the settle time postpones the message; it names all five, sorted by name.
    @Test(arguments: [0.0, 5.0, 29.0])
    func theIncidentMessageWaitsUntilItsMembersHaveSettled(lastGap: Double) throws {
        var p = NotificationPlanner(damp: 600, groupWindow: 10, settle: 30)
        let pis = ["pi-e", "pi-a", "pi-d", "pi-b", "pi-c"]
        p.observeIncident(Self.incident(Array(pis.prefix(3))), new: true, now: Self.t0 + 600)
        p.observeIncident(Self.incident(Array(pis.prefix(4))), new: false, now: Self.t0 + 610)
        p.observeIncident(Self.incident(pis), new: false, now: Self.t0 + 610 + lastGap)
        #expect(run(&p, at: 610 + lastGap + 29.9) == [])
        let told = p.due(now: Self.t0 + 610 + lastGap + 30, deviceCount: 10)
        #expect(told.map(\.kind) == [.incident])
        #expect(told.first?.devices == ["pi-a", "pi-b", "pi-c", "pi-d", "pi-e"])
        #expect(try #require(told.first?.incident).members.count == 5)
        #expect(run(&p, at: 5000) == [])
    }

    /// An incident that ended an hour ago or more (old history at the first start, a report days late) is not told.
    @Test(arguments: [(600.0, true), (3600.0, true), (3600.5, false), (86_400.0, false)])
    func onlyARecentIncidentIsTold(endedAgo: Double, told: Bool) {
        var p = NotificationPlanner()
        let incident = Self.incident(["a", "b"])
        p.observeIncident(incident, new: true, now: incident.end! + endedAgo)
        #expect(run(&p, at: 600 + endedAgo + 30) == (told ? ["incident:a,b"] : []))
    }

    @Test func siteGroupingNeedsTwoOfANamedSite() {
        var p = NotificationPlanner(damp: 600, groupWindow: 10, settle: 30)
        p.observe(["a", "b", "c"].map { Self.flip($0, "up", "down") }, now: Self.t0)
        // a alone in its site; b and c in the default site (not named): no grouping.
        #expect(run(&p, at: 10, count: 20).sorted() == ["down:a", "down:b", "down:c"])
        var q = NotificationPlanner(damp: 600, groupWindow: 10, settle: 30)
        q.observe(["a", "b"].map { Self.flip($0, "up", "down") }, now: Self.t0)
        let sites = ["a": "house", "b": "house", "c": "house"]
        #expect(q.due(now: Self.t0 + 10, deviceCount: 20, sites: sites).map(\.devices) == [["a", "b"]])
        // c went down after the window of a and b: told on its own.
        q.observe([Self.flip("c", "up", "down")], now: Self.t0 + 20)
        #expect(q.due(now: Self.t0 + 30, deviceCount: 20, sites: sites).map(\.kind) == [.down])
    }

    @Test func anIncidentInWords() {
        let n = MessageWriter.incident(Self.incident(["freezer-pi", "hall-pi", "cam-pi"], unaffected: ["nas"]))
        #expect(n.kind == .incident && n.title == "Power cut at house")
        #expect(
            n.text
                == "Power cut at house, 2026-11-22 08:10–08:20 UTC (10m 0s): cam-pi, freezer-pi, hall-pi; nas stayed up."
        )
        var net = Self.incident(["a", "b"])
        net.kind = .network
        net.collectorDown = false
        #expect(
            MessageWriter.incident(net).text
                == "house unreachable 2026-11-22 08:10–08:20 UTC (10m 0s): a, b (not counted as their downtime).")
    }
}
