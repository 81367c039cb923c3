import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorRules

/// What a quiet hours' summary tells (issue #28), from stored outages on a frozen clock: what fell in the window,
/// without bounces, snoozed devices or acknowledged outages.
@Suite struct QuietSummaryTests {
    /// 22:00-06:00 UTC, 7-8 December 2026.
    static let window = DateInterval(
        start: Date(timeIntervalSince1970: 1_796_680_800), end: Date(timeIntervalSince1970: 1_796_709_600))
    static let t0 = window.start

    static func outage(_ start: TimeInterval, _ end: TimeInterval?, _ cause: OutageCause = .powerLoss) -> OutageView {
        OutageView(
            start: t0 + start, end: end.map { t0 + $0 }, durationS: (end ?? 8 * 3600) - start, cause: cause,
            source: "merged")
    }

    static func summary(
        _ outages: [String: [OutageView]], alerts: DeviceAlerts = DeviceAlerts(), reminds: Bool = false
    ) -> QuietSummary {
        QuietSummary.make(
            window: window, now: window.end + 1, outages: outages, alerts: alerts, reminds: reminds, damp: 600)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var outages: [OutageView]
        var reminds = false
        /// Each line's (start, end, outages), in seconds after the window's start.
        var lines: [(TimeInterval, TimeInterval?, Int)]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "down and back inside", outages: [outage(3 * 3600 + 780, 3 * 3600 + 2400)],
            lines: [(11_580, 13_200, 1)]),
        Case(name: "down inside, still down", outages: [outage(4 * 3600, nil)], lines: [(14_400, nil, 1)]),
        Case(name: "a bounce alone is left out", outages: [outage(3600, 3630)], lines: []),
        Case(
            name: "only bounces, left out", outages: [outage(3600, 3640), outage(3800, 3840), outage(4000, 4020)],
            lines: []),
        Case(
            name: "bounces with a real outage are one line", outages: [outage(3600, 3640), outage(3800, 4000)],
            lines: [(3600, 4000, 2)]),
        Case(
            name: "outages far apart are two lines", outages: [outage(3600, 3800), outage(7200, 7400)],
            lines: [(3600, 3800, 1), (7200, 7400, 1)]),
        Case(name: "before the window, over", outages: [outage(-7200, -3600)], lines: []),
        Case(
            name: "back inside from before (its up was held)", outages: [outage(-3600, 600)], lines: [(-3600, 600, 1)]),
        Case(name: "down through the window, no reminders", outages: [outage(-3600, nil)], lines: []),
        Case(
            name: "down through the window, reminders held", outages: [outage(-3600, nil)], reminds: true,
            lines: [(-3600, nil, 1)]),
        Case(
            name: "back after the window's end: still down then", outages: [outage(3600, 8 * 3600 + 1)],
            lines: [(3600, nil, 1)]),
        Case(name: "after the window", outages: [outage(8 * 3600 + 1, nil)], lines: []),
        Case(name: "an agent gap is no down", outages: [outage(3600, 7200, .agentGap)], lines: []),
    ]

    @Test(arguments: cases) func tellsWhatFellInTheWindow(_ c: Case) {
        let lines = Self.summary(["pi-shed": c.outages]).lines
        let reminding = Self.summary(["pi-shed": c.outages], reminds: c.reminds).lines
        let got = (c.reminds ? reminding : lines).map {
            ($0.start.timeIntervalSince(Self.t0), $0.end.map { $0.timeIntervalSince(Self.t0) }, $0.outages)
        }
        #expect(got.map(\.0) == c.lines.map(\.0))
        #expect(got.map(\.1) == c.lines.map(\.1))
        #expect(got.map(\.2) == c.lines.map(\.2))
        #expect((c.reminds ? reminding : lines).allSatisfy { $0.device == "pi-shed" })
    }

    @Test func itAlreadyTellsTheDownsAndReturnsItNamesHeldPastTheEnd() {
        let end = Self.window.end
        let s = Self.summary([
            "pi-shed": [Self.outage(8 * 3600 - 5, nil)], "nas": [Self.outage(3600, 8 * 3600 - 20)],
        ])
        func plan(_ kind: CollectorRules.Notification.Kind, _ device: String, at: Date) -> NotificationPlanner.Planned {
            NotificationPlanner.Planned(kind: kind, devices: [device], at: at)
        }
        // The down named "still down", due 5 s after the end: told. Its return later is not.
        #expect(s.alreadyTells(plan(.down, "pi-shed", at: end - 5), now: end + 5))
        #expect(!s.alreadyTells(plan(.up, "pi-shed", at: end + 60), now: end + 90))
        // The return the summary named as ended, its message held for settle: told.
        #expect(s.alreadyTells(plan(.up, "nas", at: end - 15), now: end + 15))
        // A device the summary does not name, another kind, or long after the window: not told.
        #expect(!s.alreadyTells(plan(.down, "pi-late", at: end - 2), now: end + 12))
        #expect(!s.alreadyTells(plan(.new, "pi-shed", at: end - 5), now: end + 5))
        #expect(!s.alreadyTells(plan(.down, "pi-shed", at: end - 5), now: end + QuietSummary.afterglow + 1))
        #expect(!s.alreadyTells(plan(.down, "pi-shed", at: end - 5), now: end - 1))
    }

    @Test func linesAreOldestFirstWithTheirCauseAndDowntime() {
        let s = Self.summary([
            "nas-cam": [Self.outage(4 * 3600, nil, .network)], "pi-shed": [Self.outage(3 * 3600, 3 * 3600 + 1620)],
        ])
        #expect(s.lines.map(\.device) == ["pi-shed", "nas-cam"])
        #expect(s.lines.map(\.cause) == [.powerLoss, .network])
        #expect(s.lines.map(\.down) == [1620, 4 * 3600])
    }

    @Test func snoozedDevicesAndAcknowledgedOutagesAreLeftOut() {
        let outages = [
            "pi-a": [Self.outage(3600, nil)], "pi-b": [Self.outage(3600, nil)], "pi-c": [Self.outage(3600, 7200)],
        ]
        let alerts = DeviceAlerts(
            acks: [
                "pi-b": .init(since: Self.t0 + 3600, at: Self.t0 + 4000, by: DeviceAlerts.Ack.viaLink),
                // An older outage's acknowledgement is not this one's.
                "pi-c": .init(since: Self.t0 - 86_400, at: Self.t0 - 80_000, by: "alice"),
            ],
            snoozedUntil: ["pi-a": Self.window.end + 3600])
        #expect(Self.summary(outages, alerts: alerts).lines.map(\.device) == ["pi-c"])
        // A snooze that ended before the summary: told.
        let over = DeviceAlerts(snoozedUntil: ["pi-a": Self.window.end - 60])
        #expect(Self.summary(["pi-a": [Self.outage(3600, nil)]], alerts: over).lines.map(\.device) == ["pi-a"])
    }

    @Test func theOtherHeldMessagesAreNotesFromTheStore() {
        func row(_ device: String, _ at: TimeInterval, _ payload: Event.Payload) -> StoredEvent {
            StoredEvent(
                event: Event(device: device, at: Self.t0 + at, bootID: nil, payload: payload), receivedAt: Self.t0 + at,
                seq: 1)
        }
        let rows = [
            row("pi-a", 600, .check(CheckFlipRecord(name: "web", from: .ok, to: .failing, detail: "HTTP 502"))),
            row("pi-b", 1200, .storage(state: .readOnly, path: "/var/lib/downtime")),
            row("pi-c", 1800, .powerWarning(state: .appeared, warnings: "under-voltage")),
            row("pi-a", -600, .check(CheckFlipRecord(name: "dns", from: .ok, to: .failing, detail: ""))), // before
            row("pi-snoozed", 900, .storage(state: .full, path: "/x")),
            row("pi-a", 700, .shutdown), // no message of its own
            row("nas", 2400, .jobFlip(JobFlipRecord(name: "backup", from: .running, to: .failed, reason: "exit 1"))),
            row("nas", 2500, .jobFlip(JobFlipRecord(name: "sync", from: .running, to: .ok, reason: ""))), // no message
        ]
        let ups = [
            StoredUPSEvent(ups: "ups@nas", kind: .mainsOut, at: Self.t0 + 300),
            StoredUPSEvent(ups: "ups@nas", kind: .mainsBack, at: Self.window.end + 10), // after
        ]
        let alerts = DeviceAlerts(snoozedUntil: ["pi-snoozed": Self.window.end + 3600])
        let s = Self.summary([:], alerts: alerts).with(
            firstSeen: ["pi-new": Self.t0 + 60, "pi-old": Self.t0 - 86_400], logRows: rows, ups: ups, alerts: alerts,
            now: Self.window.end + 1)
        #expect(s.notes.map(\.device) == ["pi-new", "ups@nas", "pi-a", "pi-b", "pi-c", "nas"])
        #expect(s.notes[5].what == .job(JobFlipRecord(name: "backup", from: .running, to: .failed, reason: "exit 1")))
        #expect(s.notes.map(\.what).first == .new)
        #expect(s.notes[2].what == .check(name: "web", to: .failing, detail: "HTTP 502"))
        #expect(s.notes[3].what == .storage(.readOnly))
        #expect(s.notes[4].what == .powerWarning(.appeared, "under-voltage"))
        if case .ups(let words) = s.notes[1].what {
            #expect(words.hasPrefix("mains out"))
        } else {
            Issue.record("\(s.notes)")
        }
    }
}
