import CollectorCore
import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorRules

/// Sites and incidents on a real store (issue #17): the leader records an incident once, a late member updates it,
/// a restart stores nothing twice; the API, the pages and `/metrics` show it; bad input is a 400 naming it.
@Suite struct IncidentRecordingTests {
    /// Adds devices, puts them in sites and gives each a first beat (so each is known from now).
    static func fleet(_ h: Harness, _ sites: [String: String?]) async throws -> [String: String] {
        var tokens: [String: String] = [:]
        let admin = DeviceAdmin(store: h.store, clock: h.clock)
        for (name, site) in sites.sorted(by: { $0.key < $1.key }) {
            tokens[name] = try await h.addDevice(name)
            try await admin.setSite(site, device: name)
        }
        try await h.collector.admin.changed()
        for (name, token) in tokens {
            let beat = try WireCoding.decode(Heartbeat.self, from: Array(heartbeatJSON(name).utf8))
            _ = try await h.collector.ingest.heartbeat(beat, token: token)
        }
        return tokens
    }

    static func powerLoss(_ device: String, start: Date, end: Date, precision: Double = 60) -> Event {
        Event(
            device: device, at: end, bootID: "b2",
            payload: .outage(
                OutageReport(
                    cause: .powerLoss, start: start, end: end, durationS: end.timeIntervalSince(start),
                    precisionS: precision, clockSynced: true)))
    }

    /// A cut's members are the outages that can have begun at one moment, each by its own report's precision: with
    /// agents persisting every 3 s, a device's cut 40 s after two others' is a second incident, not a late member of
    /// the first (the campaign found it joined with a fixed 60 s).
    @Test(arguments: Backend.all) func membersAreOfOneMomentByTheirReportsPrecision(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let tokens = try await Self.fleet(h, ["a-pi": "house", "b-pi": "house", "c-pi": "house", "nas": "house"])
        h.clock.advance(3600)
        let t = h.clock.now()
        h.clock.advance(120)
        let cuts: [(String, Double, Double)] = [
            ("a-pi", 0, 10), ("b-pi", 1, 10), ("a-pi", 40, 50), ("b-pi", 40.5, 50), ("c-pi", 41, 50),
        ]
        for (name, start, end) in cuts {
            let report = Self.powerLoss(name, start: t + start, end: t + end, precision: 3)
            _ = try await h.collector.ingest.events(EventBatch(events: [report]), token: tokens[name])
        }
        let made = try await h.collector.sweeper.recordIncidents().new.sorted { $0.start < $1.start }
        #expect(made.map(\.deviceNames) == [["a-pi", "b-pi"], ["a-pi", "b-pi", "c-pi"]])
        #expect(made.map(\.start) == [t, t + 40])
    }

    @Test(arguments: Backend.all) func sitesAreStoredAndValidated(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let admin = DeviceAdmin(store: try await h.otherConnection(), clock: h.clock)
        _ = try await h.addDevice("pi-1")
        #expect(try await admin.setSite("Holiday-House", device: "PI-1") == ("pi-1", "holiday-house"))
        #expect(try await h.store.device(named: "pi-1")?.site == "holiday-house")
        // `default` is the default site: stored as none.
        #expect(try await admin.setSite("default", device: "pi-1") == ("pi-1", nil))
        #expect(try await h.store.device(named: "pi-1")?.site == nil)
        await #expect(throws: AdminError.invalidSite("bad/site")) {
            try await admin.setSite("bad/site", device: "pi-1")
        }
        await #expect(throws: AdminError.invalidSite("")) { try await admin.setSite("", device: "pi-1") }
        await #expect(throws: AdminError.noDevice("ghost")) { try await admin.setSite("x", device: "ghost") }
        #expect(AdminError.invalidSite("").description == "give a site, or --clear")
    }

    @Test(arguments: Backend.all) func incidentsAreStoredOnceAndUpdatedByID(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let t = h.clock.now()
        let incident = Incident(
            id: Incident.id(kind: .powerCut, site: "house", start: t), kind: .powerCut, site: "house", start: t,
            end: t + 600.25,
            members: [
                Incident.Member(device: "a", start: t, end: t + 600.25, cause: .powerLoss),
                Incident.Member(device: "b", start: t + 3.5, end: nil, cause: .powerLoss),
            ], unaffected: ["nas", "tv"], collectorDown: true)
        try await h.store.saveIncidents([incident], at: t)
        #expect(try await h.store.incident(id: incident.id) == incident)
        var later = incident
        later.members.append(Incident.Member(device: "c", start: t - 10, end: t + 700, cause: .powerLoss))
        later.unaffected = ["tv"]
        later.mainsOut = Incident.MainsOut(ups: "ups@nas:3493", at: t + 12.5)
        // A member silent for a day: never came back (issue #34), kept as such.
        later.members.append(Incident.Member(device: "d", start: t + 1, end: nil, cause: .unknown, neverCameBack: true))
        try await h.store.saveIncidents([later], at: t + 60)
        #expect(try await h.store.incidents(since: t - 1) == [later])
        #expect(try await h.store.incidents(since: t + 1).isEmpty)
        #expect(try await h.store.incidentCounts() == [.powerCut: 1])
        #expect(try await h.store.incident(id: "nope") == nil)
    }

    @Test(arguments: Backend.all) func aPowerCutIsRecordedOnceAndALateMemberJoinsIt(_ backend: Backend) async throws {
        var config = CollectorConfig()
        config.site = "house"
        let h = try await Harness.make(backend, config: config)
        let tokens = try await Self.fleet(
            h, ["freezer-pi": "house", "hall-pi": "house", "cam-pi": "house", "nas": "house", "office-pi": "office"])
        h.clock.advance(3600)
        let cut = h.clock.now()
        h.clock.advance(600)
        let back = h.clock.now()
        for (name, offset) in [("freezer-pi", 0.0), ("hall-pi", 40.0)] {
            let batch = EventBatch(events: [Self.powerLoss(name, start: cut + offset, end: back)])
            _ = try await h.collector.ingest.events(batch, token: tokens[name])
        }
        let first = try await h.collector.sweeper.recordIncidents()
        #expect(first.new.count == 1 && first.updated.isEmpty)
        let made = try #require(first.new.first)
        #expect(made.kind == .powerCut && made.site == "house" && made.start == cut && made.end == back)
        #expect(made.deviceNames == ["freezer-pi", "hall-pi"])
        #expect(made.unaffected == ["cam-pi", "nas"])
        // Nothing changed: nothing recorded again.
        #expect(try await h.collector.sweeper.recordIncidents().new.isEmpty)
        // cam-pi's report comes later from its outbox, its start earlier: the same incident, updated.
        let late = EventBatch(events: [Self.powerLoss("cam-pi", start: cut - 15, end: back + 5)])
        _ = try await h.collector.ingest.events(late, token: tokens["cam-pi"])
        let second = try await h.collector.sweeper.recordIncidents()
        #expect(second.new.isEmpty && second.updated.map(\.id) == [made.id])
        #expect(second.updated.first?.deviceNames == ["cam-pi", "freezer-pi", "hall-pi"])
        #expect(second.updated.first?.unaffected == ["nas"])
        // A restart correlates again and stores nothing new.
        let again = try await h.restarted(after: 5)
        #expect(try await again.collector.sweeper.recordIncidents().new.isEmpty)
        #expect(try await again.store.incidents(since: cut - 3600).map(\.id) == [made.id])
        #expect(try await again.store.incidentCounts() == [.powerCut: 1])
    }

    /// Issue #34 on a real store: the device that stays dark is a still-down member, the incident open; a day later,
    /// with no other change, the recorder gives up on it (never came back) and closes the incident.
    @Test(arguments: Backend.all) func aDeviceThatStaysDarkKeepsTheIncidentOpenForADay(_ backend: Backend) async throws
    {
        let h = try await Harness.make(backend)
        let tokens = try await Self.fleet(h, ["kitchen": "home", "garage": "home", "shed": "home", "nas": "home"])
        let cut = h.clock.now()
        // The NAS beats on; the three Pis are silent for 10 minutes.
        for seq in 2...21 {
            h.clock.advance(30)
            let nas = try WireCoding.decode(Heartbeat.self, from: Array(heartbeatJSON("nas", seq: seq).utf8))
            _ = try await h.collector.ingest.heartbeat(nas, token: tokens["nas"]!)
            _ = try await h.collector.sweeper.sweep()
        }
        let back = h.clock.now()
        for name in ["kitchen", "garage"] {
            _ = try await h.collector.ingest.events(
                EventBatch(events: [Self.powerLoss(name, start: cut, end: back - 5)]), token: tokens[name])
        }
        let open = try #require(try await h.collector.sweeper.recordIncidents().new.first)
        #expect(open.members.map(\.device).sorted() == ["garage", "kitchen", "shed"], "\(open)")
        #expect(open.stillDown.map(\.device) == ["shed"] && open.end == nil)
        #expect(try await h.collector.reads.openIncidentCounts() == [.powerCut: 1])
        // Nothing changes for a day: the give-up time alone makes the recorder run.
        h.clock.advance(86_400)
        let closed = try #require(try await h.collector.sweeper.recordIncidents().updated.first)
        #expect(closed.id == open.id && closed.end == back - 5)
        #expect(closed.members.first { $0.device == "shed" }?.standing == .neverCameBack)
        #expect(try await h.store.incident(id: open.id) == closed)
        #expect(try await h.collector.reads.openIncidentCounts().isEmpty)
    }

    /// PostgreSQL only (when required or given): two collectors on one store.
    static let postgres: [Backend] = Backend.all.filter { $0 == .postgres }

    @Test(arguments: postgres) func withTwoCollectorsTheLeaderRecordsOnceAndTheNextFindsItRecorded(
        _ backend: Backend
    ) async throws {
        let (a, b, _, clock) = try await Harness.leaderAndFollower(backend)
        // The devices beat to B, and their reports reach B too.
        let tokens = try await Self.fleet(b, ["a1": "house", "a2": "house", "a3": "house"])
        clock.advance(600)
        let cut = clock.now()
        clock.advance(60)
        for name in ["a1", "a2"] {
            let batch = EventBatch(events: [Self.powerLoss(name, start: cut, end: clock.now())])
            _ = try await b.collector.ingest.events(batch, token: tokens[name])
        }
        #expect(try await b.collector.sweeper.recordIncidents().new.isEmpty)
        // A sees the other process's rows at its sweep and records the incident.
        try await a.collector.sweeper.sweep()
        let made = try await a.collector.sweeper.recordIncidents()
        #expect(made.new.map(\.deviceNames) == [["a1", "a2"]])
        #expect(try await b.collector.sweeper.recordIncidents().new.isEmpty)
        // A dies; B leads and finds it recorded.
        await a.collector.leadership.release()
        try await b.collector.sweeper.sweep()
        #expect(b.collector.leadership.isLeading)
        #expect(try await b.collector.sweeper.recordIncidents().new.isEmpty)
        #expect(try await b.store.incidentCounts() == [.powerCut: 1])
        await b.collector.leadership.release()
    }

    /// A UPS tied to the site (issue #18): its mains-out, stored before the devices' reports, is the power cut's
    /// exact start, on the record, the API, the page and the message; a UPS of another site changes nothing.
    @Test(arguments: Backend.all) func aUPSOfTheSiteGivesTheExactStart(_ backend: Backend) async throws {
        var config = CollectorConfig()
        config.site = "office"
        config.nutServers = try NUTServerSpec.parseList(
            "house-ups@127.0.0.1:9 site=house; office-ups@127.0.0.1:9", key: "DOWNTIME_NUT")
        let h = try await Harness.make(backend, config: config)
        let tokens = try await Self.fleet(h, ["a": "house", "b": "house"])
        h.clock.advance(3600)
        let cut = h.clock.now()
        try await h.collector.ups.recordUPS([
            StoredUPSEvent(ups: "office-ups@127.0.0.1:9", kind: .mainsOut, at: cut + 5, status: "OB", charge: 99),
            StoredUPSEvent(ups: "house-ups@127.0.0.1:9", kind: .mainsOut, at: cut + 31.5, status: "OB", charge: 97),
        ])
        h.clock.advance(300)
        for name in ["a", "b"] {
            let batch = EventBatch(events: [Self.powerLoss(name, start: cut, end: h.clock.now())])
            _ = try await h.collector.ingest.events(batch, token: tokens[name])
        }
        let made = try #require(try await h.collector.sweeper.recordIncidents().new.first)
        #expect(made.mainsOut == Incident.MainsOut(ups: "house-ups@127.0.0.1:9", at: cut + 31.5))
        #expect(made.start == cut + 31.5 && made.id == Incident.id(kind: .powerCut, site: "house", start: cut))
        #expect(try await h.store.incident(id: made.id) == made)
        #expect(MessageWriter.incident(made).text.contains("mains out at"))
        try await h.test { client in
            let body = try await client.get("/api/v1/incidents").1
            #expect(
                body.contains(
                    "\"mains_out\":{\"at\":\"\(WireTime.format(cut + 31.5))\",\"ups\":\"house-ups@127.0.0.1:9\"}"),
                "\(body)")
            #expect(try await client.get("/incidents/\(made.id)").1.contains("Mains out at"))
        }
    }

    @Test func theAPIThePagesAndMetricsShowIt() async throws {
        let h = try await Harness.make()
        let tokens = try await Self.fleet(h, ["a": "house", "b": "house", "c": "house", "d": nil])
        h.clock.advance(3600)
        let cut = h.clock.now()
        h.clock.advance(300)
        for name in ["a", "b"] {
            let batch = EventBatch(events: [Self.powerLoss(name, start: cut, end: h.clock.now())])
            _ = try await h.collector.ingest.events(batch, token: tokens[name])
        }
        let id = try #require(try await h.collector.sweeper.recordIncidents().new.first?.id)
        try await h.test { client in
            let (status, body, _) = try await client.get("/api/v1/incidents")
            #expect(status == .ok)
            #expect(body.contains("\"id\":\"\(id)\""))
            #expect(body.contains("\"kind\":\"power_cut\""))
            #expect(body.contains("\"duration_s\":300"))
            #expect(body.contains("\"unaffected\":[\"c\"]"))
            #expect(body.contains("\"collector_down\":false"))
            #expect(body.contains("\"mains_out\":null"))
            #expect(body.contains("\"next\":null"))
            #expect(try await client.get("/api/v1/incidents?site=office").1.contains("\"incidents\":[]"))
            #expect(try await client.get("/api/v1/incidents?site=house").1.contains(id))
            let paged = try await client.get("/api/v1/incidents?limit=1&cursor=\(id)").1
            #expect(paged.contains("\"incidents\":[]"))
            for (uri, field) in [
                ("/api/v1/incidents?since=yesterday", "since"), ("/api/v1/incidents?site=bad/site", "site"),
                ("/api/v1/incidents?cursor=no%20such", "cursor"), ("/api/v1/incidents?cursor=unknown-1", "cursor"),
                ("/api/v1/incidents?limit=0", "limit"), ("/api/v1/devices?site=a%20b", "site"),
                ("/?site=..%2F", "site"),
            ] {
                let (status, body, _) = try await client.get(uri)
                #expect(status == .badRequest, "\(uri)")
                #expect(body.contains("\"field\":\"\(field)\""), "\(uri): \(body)")
            }
            let devices = try await client.get("/api/v1/devices?site=house").1
            #expect(devices.contains("\"name\":\"a\"") && !devices.contains("\"name\":\"d\""))
            #expect(devices.contains("\"site\":\"house\""))
            #expect(try await client.get("/api/v1/devices?site=default").1.contains("\"name\":\"d\""))
            let page = try await client.get("/incidents/\(id)")
            #expect(page.0 == .ok && page.1.contains("Power cut at house"))
            #expect(try await client.get("/incidents/power_cut-x-1").0 == .notFound)
            #expect(try await client.get("/incidents/no%20such").0 == .badRequest)
            let overview = try await client.get("/").1
            #expect(overview.contains("Incidents (last 30 days)") && overview.contains("/incidents/\(id)"))
            #expect(try await client.get("/?site=house").1.contains("site house"))
            let device = try await client.get("/devices/a").1
            #expect(device.contains("Incidents it was part of") && device.contains("/incidents/\(id)"))
            let other = try await client.get("/devices/c").1
            #expect(!other.contains("/incidents/\(id)"))
            let metrics = try await client.get("/metrics").1
            #expect(metrics.contains("downtime_incidents_total{kind=\"power_cut\"} 1"))
            #expect(metrics.contains("downtime_incidents_total{kind=\"network\"} 0"))
        }
    }

    @Test func anOverviewWithoutIncidentsHasNoSection() async throws {
        let h = try await Harness.make()
        _ = try await Self.fleet(h, ["a": nil])
        try await h.test { client in
            let page = try await client.get("/").1
            #expect(!page.contains("Incidents"))
        }
    }
}
