import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorCore
@testable import CollectorRules

/// The words of planned notifications: a group's direction and a storage problem come typed from the planner.
@Suite struct MessageWriterTests {
    @Test func aGroupSaysWhichWayItsDevicesWentAndStorageNamesItsFolder() async throws {
        let h = try await Harness.make(.sqlite)
        let writer = MessageWriter(reader: h.collector.reads.reader, damp: 600)
        let at = h.clock.now()
        let devices = ["a", "b", "c", "d"]
        let down = await writer.compose(
            .init(
                kind: .group, devices: devices, at: at, reason: "", flips: 0,
                direction: .down))
        #expect(down.title == "4 devices down")
        // None of them is in the fleet here: no other device of their site reports.
        #expect(down.text.hasPrefix("4 devices went silent at once (a, b, c, d), at "))
        #expect(down.text.hasSuffix("; no other device of their site reports."))
        #expect(!down.text.contains("likely"))
        let up = await writer.compose(
            .init(
                kind: .group, devices: devices, at: at, reason: "", flips: 0,
                direction: .up))
        #expect(up.title == "4 devices back up" && up.text.hasPrefix("4 devices are back up (a, b, c, d), at "))
        let storage = await writer.compose(
            .init(
                kind: .storage, devices: ["pi-1"], at: at, reason: "", flips: 0,
                storage: .init(state: .readOnly, path: "/var/lib/x")))
        #expect(storage.title == "pi-1: storage read-only")
        #expect(storage.text.contains("its storage is read-only since ") && storage.text.contains("(/var/lib/x)"))
        let flapping = await writer.compose(.init(kind: .flapping, devices: ["pi-1"], at: at, reason: "", flips: 3))
        #expect(flapping.text == "pi-1 changed state 3 more times in the last 10 minutes; now unknown.")
    }

    /// Five Pis of a site lose power while the NAS keeps beating (issue #26): the message says what is known — which
    /// devices went silent, which of their site still report — sorted by name, and guesses no cause.
    @Test func aGroupNamesTheSilentAndWhoStillReports() {
        let at = Date(timeIntervalSince1970: 1_795_335_000)
        let pis = ["pi-e", "pi-a", "pi-d", "pi-b", "pi-c"]
        let fleet = MessageWriter.group(
            .init(kind: .group, devices: pis, at: at, reason: "", flips: 0, direction: .down), stillReporting: ["nas"])
        let when = "2026-11-22 08:10 UTC"
        #expect(fleet.title == "5 devices down")
        #expect(
            fleet.text == "5 devices went silent at once (pi-a, pi-b, pi-c, pi-d, pi-e), at \(when); nas still reports."
        )
        #expect(fleet.devices == ["pi-a", "pi-b", "pi-c", "pi-d", "pi-e"])
        let site = MessageWriter.group(
            .init(kind: .group, devices: ["b", "a"], at: at, reason: "", flips: 0, direction: .down, site: "house"),
            stillReporting: ["router", "nas"])
        #expect(site.title == "2 devices of house down")
        #expect(site.text == "2 devices of house went silent together (a, b), at \(when); nas, router still report.")
        let alone = MessageWriter.group(
            .init(kind: .group, devices: ["a", "b"], at: at, reason: "", flips: 0, direction: .down, site: "house"),
            stillReporting: [])
        #expect(alone.text.hasSuffix("; no other device of the site reports."))
        let many = MessageWriter.group(
            .init(kind: .group, devices: ["a", "b", "c", "d"], at: at, reason: "", flips: 0, direction: .down),
            stillReporting: (1...12).map { "z\($0 + 10)" })
        #expect(many.text.hasSuffix("z19, z20 and 2 more still report."))
    }

    /// The incident message names its devices by name, and the default site is not named as a place.
    @Test(arguments: [
        (Incident.Kind.powerCut, "default", "Power cut", "Power cut, 2026-11-22 08:10–08:20 UTC (10m 0s): a, b, c."),
        (.powerCut, "house", "Power cut at house", "Power cut at house, 2026-11-22 08:10–08:20 UTC (10m 0s): a, b, c."),
        (
            .network, "default", "Network outage",
            "Network outage, 2026-11-22 08:10–08:20 UTC (10m 0s): a, b, c (not counted as their downtime)."
        ),
        (
            .network, "house", "house unreachable",
            "house unreachable 2026-11-22 08:10–08:20 UTC (10m 0s): a, b, c (not counted as their downtime)."
        ),
    ])
    func anIncidentInWordsSortsItsDevicesAndNamesOnlyARealSite(
        kind: Incident.Kind, site: String, title: String, text: String
    ) {
        let t0 = Date(timeIntervalSince1970: 1_795_335_000)
        // Members by start: c first.
        let members = ["c", "a", "b"].enumerated().map {
            Incident.Member(
                device: $1, start: t0 + Double($0), end: t0 + 600, cause: kind == .network ? .network : .powerLoss)
        }
        let i = Incident(
            id: "x", kind: kind, site: site, start: t0, end: t0 + 600, members: members, unaffected: [],
            collectorDown: false)
        let n = MessageWriter.incident(i)
        #expect(n.title == title && n.text == text && n.devices == ["a", "b", "c"])
        #expect(i.headline == title)
    }

    @Test func aUPSEventSaysItsSentence() async throws {
        let h = try await Harness.make(.sqlite)
        let writer = MessageWriter(reader: h.collector.reads.reader, damp: 600)
        var planner = NotificationPlanner()
        planner.observeUPS(
            UPSEvent(
                ups: "myups@localhost:3493", kind: .mainsOut, at: h.clock.now(),
                reading: UPSReading(status: UPSStatus(parsing: "OB DISCHRG"), charge: 73, runtime: 1260)))
        let plans = planner.due(now: h.clock.now(), deviceCount: 0)
        #expect(plans.count == 1)
        let n = await writer.compose(try #require(plans.first))
        #expect(n.kind == .ups && n.devices == ["myups@localhost:3493"])
        #expect(n.title == "UPS myups@localhost:3493: mains out, on battery")
        #expect(n.text.hasPrefix("UPS myups@localhost:3493: mains out; UPS on battery, 73 %, 21 min left (at "))
    }

    @Test func thePlannerGivesAGroupItsDirection() {
        var planner = NotificationPlanner(damp: 600, groupWindow: 10, settle: 30)
        let start = Date(timeIntervalSince1970: 1_795_335_000)
        let names = ["a", "b", "c", "d"]
        let downs = names.map {
            FlipChange.flip($0, from: .up, to: .down, at: start, reason: .silent(seconds: 30, rule: "3 × 10 s"))
        }
        planner.observe(downs, now: start)
        let toldDown = planner.due(now: start + 10, deviceCount: 4)
        #expect(toldDown.map(\.kind) == [.group] && toldDown.first?.direction == .down)
        let ups = names.map { FlipChange.flip($0, from: .down, to: .up, at: start + 20, reason: .heartbeatReceived) }
        planner.observe(ups, now: start + 20)
        let toldUp = planner.due(now: start + 50, deviceCount: 4)
        #expect(toldUp.map(\.kind) == [.group] && toldUp.first?.direction == .up)
    }
}

/// The words of service check messages (issue #30): the device, the checks and each one's detail.
@Suite struct CheckMessageTests {
    @Test func failingRecoveredAndFlappingChecks() async throws {
        let at = Date(timeIntervalSince1970: 1_795_335_000)
        let one = MessageWriter.checks(
            .init(kind: .checkFailing, devices: ["pi-kitchen"], at: at, reason: "dns: exit 3", checks: ["dns"]),
            time: .utc)
        #expect(one.title == "pi-kitchen: check dns failing" && one.kind == .checkFailing)
        #expect(one.text == "pi-kitchen is up, but its check dns fails since \(LocalTime.utc.stamp(at)): dns: exit 3.")
        let two = MessageWriter.checks(
            .init(kind: .checkOk, devices: ["pi-kitchen"], at: at, reason: "dns; ha: HTTP 200", checks: ["dns", "ha"]),
            time: .utc)
        #expect(two.title == "pi-kitchen: 2 checks (dns, ha) ok again")
        #expect(two.text.hasPrefix("pi-kitchen's 2 checks (dns, ha) are ok again since "))
        let h = try await Harness.make(.sqlite)
        let writer = MessageWriter(reader: h.collector.reads.reader, damp: 600)
        let flapping = await writer.compose(
            .init(kind: .flapping, devices: ["pi-kitchen"], at: at, flips: 3, checks: ["dns"]))
        #expect(
            flapping.title == "pi-kitchen: check dns is flapping"
                && flapping.text.contains("3 more times in the last 10"))
    }
}

/// The words of jobs held together (issue #31): one title with their number, a line per job.
@Suite struct JobGroupMessageTests {
    @Test func aGroupOfJobsNamesEachWithItsDevice() throws {
        let at = Date(timeIntervalSince1970: 1_795_335_000)
        let flips = [
            JobFlip(
                id: UUID(), device: "nas",
                record: JobFlipRecord(name: "backup", from: .ok, to: .failed, reason: "exit 1"),
                at: at),
            JobFlip(
                id: UUID(), device: "pi-2", record: JobFlipRecord(name: "sync", from: .ok, to: .late, reason: ""),
                at: at + 3),
        ]
        let plan = NotificationPlanner.jobMessage(.jobProblem, flips)
        let n = MessageWriter.job(try #require(plan), time: .utc, damp: 600)
        #expect(n.kind == .jobProblem && n.title == "2 jobs have problems" && n.devices == ["nas", "pi-2"])
        #expect(n.text.contains("- backup on nas failed (exit 1), at \(LocalTime.utc.stamp(at))"))
        #expect(n.text.contains("- sync on pi-2 is late, at \(LocalTime.utc.stamp(at + 3))"))
        let ok = MessageWriter.job(try #require(NotificationPlanner.jobMessage(.jobOk, flips)), time: .utc, damp: 600)
        #expect(ok.title == "2 jobs are ok again")
    }
}

/// The correction of an incident told with a member it no longer holds (campaign seeds 307, 317, 379).
@Suite struct CorrectionMessageTests {
    @Test func aCorrectionNamesWhoLeftAndWhoIsStillIn() {
        let t0 = Date(timeIntervalSince1970: 1_795_335_000)
        let i = Incident(
            id: "network-house-1", kind: .network, site: "house", start: t0, end: t0 + 60,
            members: ["a", "b"].map { Incident.Member(device: $0, start: t0, end: t0 + 60, cause: .network) },
            unaffected: [], collectorDown: false)
        let n = MessageWriter.correction(i, left: ["c"], time: .utc)
        #expect(n.kind == .correction && n.devices == ["c"] && n.title.hasPrefix("Correction: c not in "))
        #expect(n.text.contains("c was not part of") && n.text.contains("its own report gives another cause"))
        #expect(n.text.hasSuffix("the incident now holds a, b."), "\(n.text)")
    }
}
