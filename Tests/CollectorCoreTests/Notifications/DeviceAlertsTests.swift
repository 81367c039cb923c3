import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorCore
@testable import CollectorRules

/// Acknowledge, snooze and critical (issue #28) on a frozen clock: what the planner lets out and what the reminders
/// skip, given the stored `DeviceAlerts`.
@Suite struct DeviceAlertsTests {
    let t0 = Date(timeIntervalSince1970: 1_796_000_000)
    typealias Flip = NotificationPlannerTests

    func names(_ due: [Reminders.Due]) -> [String] {
        due.flatMap { d in d.devices.map { "\(d.channel):\($0.name)" } }
    }

    func run(_ p: inout NotificationPlanner, at now: Date, count: Int = 10) -> [String] {
        p.due(now: now, deviceCount: count).map { "\($0.kind.rawValue):\($0.devices.joined(separator: ","))" }
    }

    /// Each row: the alerts, the device down since, the time asked, whether it is reminded of.
    @Test func anAcknowledgedOrSnoozedOutageIsNotRemindedOf() {
        let since = t0
        let rows: [(DeviceAlerts, TimeInterval, Bool, String)] = [
            (DeviceAlerts(), 3600, true, "nothing said"),
            (DeviceAlerts(acks: ["pi": .init(since: since, at: t0 + 60, by: "link")]), 3600, false, "acknowledged"),
            // An acknowledgement of an earlier outage does not count for this one.
            (DeviceAlerts(acks: ["pi": .init(since: since - 9000, at: t0 - 8000, by: "ann")]), 3600, true, "old ack"),
            (DeviceAlerts(snoozedUntil: ["pi": t0 + 7200]), 3600, false, "snoozed"),
            (DeviceAlerts(snoozedUntil: ["pi": t0 + 7200]), 7200, true, "the snooze ended"),
            (DeviceAlerts(acks: ["other": .init(since: since, at: t0, by: "ann")]), 3600, true, "another's ack"),
        ]
        for (alerts, at, reminded, why) in rows {
            let kept = alerts.remindable(["pi": since], now: t0 + at)
            #expect((kept["pi"] != nil) == reminded, "\(why)")
        }
    }

    @Test func theNotifierSkipsTheAcknowledgedAndResumesAfterTheSnooze() {
        var r = Reminders(every: ["phone": 600])
        let down = ["pi": t0, "nas": t0]
        let alerts = DeviceAlerts(
            acks: ["pi": .init(since: t0, at: t0 + 30, by: "link")], snoozedUntil: ["nas": t0 + 1500])
        #expect(r.due(down: alerts.remindable(down, now: t0 + 600), now: t0 + 600).isEmpty)
        #expect(r.due(down: alerts.remindable(down, now: t0 + 1200), now: t0 + 1200).isEmpty)
        // The snooze over: nas is reminded of (the reminder due now, once), pi never again this outage.
        #expect(names(r.due(down: alerts.remindable(down, now: t0 + 1500), now: t0 + 1500)) == ["phone:nas"])
        #expect(names(r.due(down: alerts.remindable(down, now: t0 + 1800), now: t0 + 1800)) == ["phone:nas"])
    }

    @Test func aSnoozedDeviceGetsNoDownUpOrCheckMessageUntilTheSnoozeEnds() {
        var p = NotificationPlanner(damp: 0, groupWindow: 10, settle: 30)
        p.observe(.alerts(DeviceAlerts(snoozedUntil: ["a": t0 + 1000])))
        p.observe([Flip.flip("a", "up", "down", at: t0), Flip.flip("b", "up", "down", at: t0)], now: t0)
        #expect(run(&p, at: t0 + 10) == ["down:b"])
        p.observe([Flip.flip("a", "down", "up", at: t0 + 100)], now: t0 + 100)
        #expect(run(&p, at: t0 + 130) == [])
        let failing = CheckFlip(
            device: "a", record: CheckFlipRecord(name: "ha", from: .ok, to: .failing, detail: ""), at: t0 + 200)
        p.observe(.checkFlips([failing], now: t0 + 200))
        #expect(run(&p, at: t0 + 230) == [])
        // After the snooze: as normal.
        p.observe([Flip.flip("a", "up", "down", at: t0 + 1100)], now: t0 + 1100)
        #expect(run(&p, at: t0 + 1110) == ["down:a"])
    }

    @Test func aGroupLeavesOutItsSnoozedDevicesAndAUPSIsNoDevice() {
        let alerts = DeviceAlerts(snoozedUntil: ["a": t0 + 60, "b": t0 + 60])
        let group = NotificationPlanner.Planned(kind: .group, devices: ["a", "b", "c"], at: t0, direction: .down)
        #expect(alerts.applied(to: group, now: t0)?.devices == ["c"])
        #expect(alerts.applied(to: group, now: t0 + 60)?.devices == ["a", "b", "c"])
        let both = NotificationPlanner.Planned(kind: .group, devices: ["a", "b"], at: t0, direction: .down)
        #expect(alerts.applied(to: both, now: t0) == nil)
        let ups = NotificationPlanner.Planned(kind: .ups, devices: ["a"], at: t0)
        #expect(alerts.applied(to: ups, now: t0) == ups)
    }

    @Test func aMembersAcknowledgementAcknowledgesItsIncident() {
        let incident = Incident(
            id: "power_cut-house-1", kind: .powerCut, site: "house", start: t0, end: nil,
            members: ["cam", "hall", "nas"].map {
                Incident.Member(device: $0, start: t0 + 5, end: nil, cause: .unknown)
            },
            unaffected: [], collectorDown: false)
        let down = ["cam": t0 + 5, "hall": t0 + 5, "nas": t0 + 5, "elsewhere": t0 + 5]
        let alerts = DeviceAlerts(acks: ["hall": .init(since: t0 + 5, at: t0 + 100, by: "ann")], incidents: [incident])
        #expect(alerts.remindable(down, now: t0 + 3600).keys.sorted() == ["elsewhere"])
        // Without the incident, only hall is acknowledged.
        let alone = DeviceAlerts(acks: alerts.acks)
        #expect(alone.remindable(down, now: t0 + 3600).keys.sorted() == ["cam", "elsewhere", "nas"])
        // An acknowledgement of a member's earlier outage, before the incident, is not the incident's.
        let earlier = DeviceAlerts(
            acks: ["hall": .init(since: t0 - 5000, at: t0 - 4000, by: "ann")], incidents: [incident])
        #expect(earlier.remindable(down, now: t0 + 3600).keys.sorted() == ["cam", "elsewhere", "hall", "nas"])
    }

    @Test func aCriticalDevicesDownIsMarkedAndNothingElse() {
        var p = NotificationPlanner(damp: 0, groupWindow: 10, settle: 30)
        p.observe(.alerts(DeviceAlerts(critical: ["freezer"])))
        p.observe([Flip.flip("freezer", "up", "down", at: t0), Flip.flip("tv", "up", "down", at: t0)], now: t0)
        let downs = p.due(now: t0 + 10, deviceCount: 10)
        #expect(downs.map { "\($0.devices[0]):\($0.critical)" }.sorted() == ["freezer:true", "tv:false"])
        p.observe([Flip.flip("freezer", "down", "up", at: t0 + 20)], now: t0 + 20)
        #expect(p.due(now: t0 + 50, deviceCount: 10).map(\.critical) == [false])
    }

    /// Pushover's priority 1 for a critical device's down, checked on a loopback receiver.
    @Test func pushoverSendsACriticalDownAtPriorityOne() async throws {
        let h = try await Harness.make(.sqlite)
        try await withReceiver { port, inbox in
            let spec = try NotifierSpec.parse("push=pushover http://127.0.0.1:\(port) token=app user=u priority=-1")
            let n = NotificationDeliveryTests.notifier([spec], store: h.store)
            var critical = NotificationDeliveryTests.note
            critical.critical = true
            #expect(await n.deliver(critical, via: spec))
            #expect(await n.deliver(NotificationDeliveryTests.note, via: spec))
            let got = await inbox.requests
            let priorities = got.map { r in
                ((try? JSONSerialization.jsonObject(with: Data(r.body.utf8))) as? [String: Any])?["priority"] as? Int
            }
            #expect(priorities == [1, -1])
        }
    }

    @Test func aDownMessagesLinkNamesTheOutagesGoingOn() {
        let down = ["a": t0, "b": t0 + 3]
        let one = NotificationPlanner.Planned(kind: .down, devices: ["a"], at: t0)
        #expect(AckLinks.outages(of: one, down: down) == [AckLink.Outage(device: "a", since: t0)])
        let up = NotificationPlanner.Planned(kind: .up, devices: ["a"], at: t0)
        #expect(AckLinks.outages(of: up, down: down).isEmpty)
        let incident = Incident(
            id: "i", kind: .powerCut, site: "house", start: t0, end: nil,
            members: [
                Incident.Member(device: "a", start: t0, end: t0 + 9, cause: .powerLoss),
                Incident.Member(device: "b", start: t0 + 3, end: nil, cause: .unknown),
            ], unaffected: [], collectorDown: false)
        let told = NotificationPlanner.Planned(kind: .incident, devices: ["a", "b"], at: t0, incident: incident)
        #expect(AckLinks.outages(of: told, down: down).map(\.device) == ["b"])
    }
}
