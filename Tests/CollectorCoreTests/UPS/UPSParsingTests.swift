import CollectorCore
import Foundation
import Testing

@testable import CollectorRules

@Suite struct UPSParsingTests {
    @Test(arguments: [
        ("OK", NUTReply.ok),
        ("OK Goodbye", .ok),
        (#"VAR myups ups.status "OB DISCHRG""#, .variable(ups: "myups", name: "ups.status", value: "OB DISCHRG")),
        (#"VAR myups battery.charge "73""#, .variable(ups: "myups", name: "battery.charge", value: "73")),
        (#"VAR u ups.model "Say \"hi\" \\ bye""#, .variable(ups: "u", name: "ups.model", value: #"Say "hi" \ bye"#)),
        (#"VAR u x """#, .variable(ups: "u", name: "x", value: "")),
        ("ERR ACCESS-DENIED", .error("ACCESS-DENIED")),
        ("ERR DATA-STALE", .error("DATA-STALE")),
        ("BEGIN LIST VAR myups", .beginList(ups: "myups")),
        ("END LIST VAR myups", .endList(ups: "myups")),
    ])
    func repliesParse(line: String, reply: NUTReply) throws {
        #expect(try NUTReply.parse(line) == reply)
    }

    @Test(arguments: [
        "", "ERR", "VAR myups ups.status", #"VAR u x "unterminated"#, #"VAR u x "a\"#,
        "BEGIN LIST CMD u", "HELLO there", #"VAR u x "a" extra"#,
    ])
    func junkIsMalformed(line: String) {
        #expect(throws: NUTReply.Malformed.self) { try NUTReply.parse(line) }
    }

    @Test func quotingRoundTrips() {
        for w in ["plain", "two words", #"q"uote"#, #"back\slash"#, ""] {
            #expect(NUTReply.words("GET " + NUTReply.quote(w)) == ["GET", w])
        }
        #expect(NUTReply.quote("myups") == "myups")
    }

    @Test(arguments: [
        ("OL", [UPSStatus.Flag.online], true, false, false, false),
        ("OB DISCHRG", [.onBattery, .discharging], false, true, false, false),
        ("OB LB", [.onBattery, .lowBattery], false, true, true, false),
        ("OL CHRG RB", [.online, .charging, .replaceBattery], true, false, false, true),
        ("OL BYPASS", [.online, .bypass], true, false, false, false),
        ("OFF", [.off], false, false, false, false),
        ("  OL   TRIM ", [.online, .trimming], true, false, false, false),
    ])
    func statusTokens(raw: String, flags: [UPSStatus.Flag], online: Bool, onBattery: Bool, low: Bool, rb: Bool) {
        let s = UPSStatus(parsing: raw)
        #expect(s.flags == Set(flags) && s.unknown.isEmpty)
        #expect(s.online == online && s.onBattery == onBattery && s.lowBattery == low && s.replaceBattery == rb)
    }

    @Test func unknownTokensAreKept() {
        let s = UPSStatus(parsing: "OL ECO")
        #expect(s.flags == [.online] && s.unknown == ["ECO"] && s.text == "OL ECO")
    }

    @Test func readingFromVariables() {
        let r = UPSReading(variables: [
            "ups.status": "OB DISCHRG", "battery.charge": "73", "battery.runtime": "1260",
            "input.voltage": "junk",
        ])
        #expect(r?.status.onBattery == true && r?.charge == 73 && r?.runtime == 1260 && r?.inputVoltage == nil)
        #expect(r?.batteryText == "73 %, 21 min left")
        #expect(UPSReading(variables: ["battery.charge": "73"]) == nil)
    }

    @Test(arguments: [
        ("myups@localhost", [NUTServerSpec(host: "localhost", ups: ["myups"])]),
        (
            "myups@localhost:3493;other@nas:4000 user=mon password=s3cret",
            [
                NUTServerSpec(host: "localhost", ups: ["myups"]),
                NUTServerSpec(host: "nas", port: 4000, ups: ["other"], user: "mon", password: "s3cret"),
            ]
        ),
        ("a@127.0.0.1:3493; b@127.0.0.1:3493", [NUTServerSpec(host: "127.0.0.1", ups: ["a", "b"])]),
        ("a@[::1]:3494", [NUTServerSpec(host: "::1", port: 3494, ups: ["a"])]),
    ])
    func configParses(value: String, specs: [NUTServerSpec]) throws {
        #expect(try NUTServerSpec.parseList(value, key: "DOWNTIME_NUT") == specs)
    }

    @Test(arguments: [
        " ; ", "myups", "@host", "u@", "u@host:0", "u@host:x", "u@host:70000", "u@host user=x",
        "u@host color=red", "u@host user=", "u b@host", "a@h;a@h", "a@h user=x password=y;b@h",
        "a@[::1", "a@h site=", "a@h site=bad/site",
    ])
    func badConfigNamesTheVariable(value: String) throws {
        let layer = [CollectorConfig.Key.nut: value]
        #expect(throws: ConfigError.self) { try CollectorConfig.resolve([layer]) }
        do { _ = try CollectorConfig.resolve([layer]) } catch let e as ConfigError { #expect(e.key == "DOWNTIME_NUT") }
    }

    /// `site=` ties a UPS to the site it powers; the others are in the collector's site.
    @Test func aUPSIsTiedToASite() throws {
        let specs = try NUTServerSpec.parseList(
            "a@nas site=Holiday-House; b@nas; c@nas site=default", key: "DOWNTIME_NUT")
        #expect(specs.count == 1 && specs[0].ups == ["a", "b", "c"])
        #expect(
            NUTServerSpec.sites(of: specs, collectorSite: "office") == [
                "a@nas:3493": "holiday-house", "b@nas:3493": "office", "c@nas:3493": "default",
            ])
        #expect(NUTServerSpec.sites(of: specs, collectorSite: nil)["b@nas:3493"] == "default")
    }

    @Test func configCarriesTheServers() throws {
        let c = try CollectorConfig.resolve([[.nut: "myups@localhost:3493 user=x password=y"]])
        #expect(c.nutServers == [NUTServerSpec(host: "localhost", ups: ["myups"], user: "x", password: "y")])
        #expect(try CollectorConfig.resolve([]).nutServers.isEmpty)
    }
}

@Suite struct UPSTransitionTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func r(_ status: String, _ charge: Double = 100) -> UPSTracker.Outcome {
        .reading(UPSReading(status: UPSStatus(parsing: status), charge: charge, runtime: charge * 18))
    }

    /// Sequences of poll outcomes and the event kinds each poll makes.
    @Test(arguments: [
        ([r("OL")], [[UPSEvent.Kind]()]),
        ([r("OB DISCHRG")], [[.mainsOut]]),
        ([r("OB LB")], [[.mainsOut, .lowBattery]]),
        ([r("OL RB")], [[.replaceBattery]]),
        (
            [r("OL"), r("OB DISCHRG"), r("OB DISCHRG", 90), r("OB LB", 10), r("OL CHRG", 12), r("OL")],
            [[], [.mainsOut], [], [.lowBattery], [.mainsBack], []]
        ),
        ([r("OL"), r("OB LB")], [[], [.mainsOut, .lowBattery]]),
        ([r("OL"), r("OL RB"), r("OL RB"), r("OL"), r("OL RB")], [[], [.replaceBattery], [], [], [.replaceBattery]]),
        (
            [r("OL"), .unreadable("connection refused"), .unreadable("connection refused"), r("OL")],
            [[], [.commsLost], [], [.commsBack]]
        ),
        // The mains went while the UPS was unreadable: both are told when it is read again.
        ([r("OL"), .unreadable("timed out"), r("OB DISCHRG")], [[], [.commsLost], [.commsBack, .mainsOut]]),
        ([.unreadable("refused"), r("OL")], [[.commsLost], [.commsBack]]),
        // Bypass or off is not mains back from OB: neither says OL.
        ([r("OB"), r("OFF"), r("OL")], [[.mainsOut], [], [.mainsBack]]),
        ([r("OL"), r("OL BYPASS")], [[], []]),
    ])
    func transitions(outcomes: [UPSTracker.Outcome], expected: [[UPSEvent.Kind]]) {
        var tracker = UPSTracker(ups: "myups@localhost:3493")
        let got = outcomes.enumerated().map { i, o in
            tracker.observe(o, at: Self.t0 + Double(i)).map(\.kind)
        }
        #expect(got == expected)
    }

    @Test func eventsCarryTheReadingAndSayIt() {
        var tracker = UPSTracker(ups: "myups@localhost:3493")
        _ = tracker.observe(Self.r("OL"), at: Self.t0)
        let e = tracker.observe(
            .reading(UPSReading(status: UPSStatus(parsing: "OB DISCHRG"), charge: 73, runtime: 1260)),
            at: Self.t0 + 5)
        #expect(e.count == 1 && e[0].at == Self.t0 + 5 && e[0].reading?.charge == 73)
        #expect(e[0].summary == "mains out; UPS on battery, 73 %, 21 min left")
        let lost = tracker.observe(.unreadable("connection refused"), at: Self.t0 + 6)
        #expect(lost.first?.summary == "UPS not readable: connection refused")
        #expect(tracker.last?.charge == 73)
    }
}

/// A tracker resumed from the stored events (a restart, a new leader) tells only what changed since.
@Suite struct UPSResumeTests {
    static let t0 = UPSTransitionTests.t0
    static let name = "myups@localhost:3493"

    static func stored(_ kind: UPSEvent.Kind, _ status: String?, _ i: Double) -> StoredUPSEvent {
        StoredUPSEvent(ups: name, kind: kind, at: t0 + i, status: status, charge: status == nil ? nil : 50)
    }

    /// Stored history (newest first), the next poll's outcome, and the events it makes.
    @Test(arguments: [
        ([StoredUPSEvent](), UPSTransitionTests.r("OB DISCHRG"), [UPSEvent.Kind.mainsOut]),
        ([stored(.mainsOut, "OB DISCHRG", 0)], UPSTransitionTests.r("OB DISCHRG"), []),
        ([stored(.lowBattery, "OB LB", 1), stored(.mainsOut, "OB DISCHRG", 0)], UPSTransitionTests.r("OB LB"), []),
        (
            [stored(.lowBattery, "OB LB", 1), stored(.mainsOut, "OB DISCHRG", 0)], UPSTransitionTests.r("OL CHRG"),
            [
                .mainsBack
            ]
        ),
        ([stored(.mainsBack, "OL CHRG", 2), stored(.mainsOut, "OB", 0)], UPSTransitionTests.r("OL"), []),
        ([stored(.mainsBack, "OL CHRG", 2), stored(.mainsOut, "OB", 0)], UPSTransitionTests.r("OB"), [.mainsOut]),
        ([stored(.commsLost, nil, 3), stored(.mainsOut, "OB", 0)], UPSTransitionTests.r("OB"), [.commsBack]),
        ([stored(.commsLost, nil, 3)], .unreadable("refused"), []),
        ([stored(.commsBack, "OL", 4), stored(.commsLost, nil, 3)], .unreadable("refused"), [.commsLost]),
    ])
    func resumes(history: [StoredUPSEvent], outcome: UPSTracker.Outcome, expected: [UPSEvent.Kind]) {
        var tracker = UPSTracker(ups: Self.name, resuming: history)
        #expect(tracker.observe(outcome, at: Self.t0 + 10).map(\.kind) == expected)
    }

    @Test func theStateSaysWhatThePageShows() {
        var s = UPSState(name: Self.name)
        #expect(s.words == UPSState.notReadYet && s.readable == nil && !s.onBattery)
        s.observe(.reading(UPSReading(status: UPSStatus(parsing: "OL"), charge: 100)), at: Self.t0)
        #expect(s.words == "online, 100 %" && s.since == Self.t0)
        s.observe(.reading(UPSReading(status: UPSStatus(parsing: "OL"), charge: 99)), at: Self.t0 + 5)
        #expect(s.since == Self.t0) // the same status: still since then
        s.observe(
            .reading(UPSReading(status: UPSStatus(parsing: "OB DISCHRG"), charge: 73, runtime: 1260)), at: Self.t0 + 10)
        #expect(s.words == "on battery, 73 %, 21 min left" && s.onBattery && s.since == Self.t0 + 10)
        s.observe(.unreadable("connection refused"), at: Self.t0 + 20)
        #expect(s.words == "not readable" && s.reason == "connection refused" && !s.onBattery)
        #expect(s.reading?.charge == 73 && s.since == Self.t0 + 20)
        s.observe(.reading(UPSReading(status: UPSStatus(parsing: "OB LB"), charge: 9)), at: Self.t0 + 30)
        #expect(s.words == "on battery, low battery, 9 %" && s.reason == nil)
    }

    @Test func aLostConnectionIsToldOnlyWhenItLasts() {
        var p = NotificationPlanner(upsHold: 10)
        let lost = UPSEvent(ups: Self.name, kind: .commsLost, at: Self.t0, reason: "refused")
        let back = UPSEvent(ups: Self.name, kind: .commsBack, at: Self.t0 + 5)
        let out = UPSEvent(
            ups: Self.name, kind: .mainsOut, at: Self.t0 + 6,
            reading: UPSReading(status: UPSStatus(parsing: "OB"), charge: 73, runtime: 1260))
        // Back within the hold: neither is told; the mains out is, at once.
        p.observeUPS(lost)
        #expect(p.due(now: Self.t0 + 1, deviceCount: 0).isEmpty)
        p.observeUPS(back)
        p.observeUPS(out)
        let due = p.due(now: Self.t0 + 6, deviceCount: 0)
        #expect(due.map(\.kind) == [.ups] && due.first?.ups == out)
        #expect(due.first?.reason == "mains out; UPS on battery, 73 %, 21 min left")
        #expect(p.due(now: Self.t0 + 60, deviceCount: 0).isEmpty)
        // Lasting past the hold: told then, and its comms back too.
        p.observeUPS(lost)
        #expect(p.due(now: Self.t0 + 9, deviceCount: 0).isEmpty)
        #expect(p.due(now: Self.t0 + 10, deviceCount: 0).map { $0.ups?.kind } == [.commsLost])
        p.observeUPS(UPSEvent(ups: Self.name, kind: .commsBack, at: Self.t0 + 30))
        #expect(p.due(now: Self.t0 + 30, deviceCount: 0).map { $0.ups?.kind } == [.commsBack])
    }
}
