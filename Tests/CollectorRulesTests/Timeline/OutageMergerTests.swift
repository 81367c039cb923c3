import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorRules

@Suite struct OutageMergerTests {
    static let t = Date(timeIntervalSince1970: 1_795_335_000)

    @Test func agentReportMergesWithCollectorDownPeriod() {
        // The agent persisted last_alive 50 s before the cut; the last beat was 5 s before it.
        let down = [DownPeriod(start: Self.t - 5, end: Self.t + 3600 + 8)]
        let reported = [ReportedOutage(cause: .powerLoss, start: Self.t - 50, end: Self.t + 3600)]
        let out = OutageMerger.merge(down: down, reported: reported, unreachable: [], slack: 15, now: Self.t + 7200)
        #expect(
            out == [
                OutageView(start: Self.t - 5, end: Self.t + 3600, durationS: 3605, cause: .powerLoss, source: "merged")
            ])
    }

    /// Issue #26 (the campaign): a down period that ended as the next outage began (a clean agent stop of 10 s, its
    /// restart, a power loss 0.1 s later) is not swallowed by that outage's report: each keeps its own row.
    @Test func aDownPeriodThatEndedBeforeAReportsEndIsNotItsOutage() {
        let slack: TimeInterval = 2
        let down = [
            DownPeriod(start: Self.t, end: Self.t + 10.3), DownPeriod(start: Self.t + 12.3, end: Self.t + 15.7),
        ]
        let reported = [ReportedOutage(cause: .powerLoss, start: Self.t + 10.3, end: Self.t + 14.7)]
        let out = OutageMerger.merge(down: down, reported: reported, unreachable: [], slack: slack, now: Self.t + 100)
        #expect(out.map(\.source) == ["collector", "merged"])
        #expect(out.map(\.start) == [Self.t, Self.t + 12.3])
        #expect(out.map(\.cause) == [.unknown, .powerLoss])
    }

    /// Campaign seed 373: the device lost power while the collector was away; the restarted collector's down period
    /// begins at its restart, not at a beat, so the agent's own start stands. A period from a beat still refines it.
    @Test func aDownPeriodFromTheCollectorsRestartDoesNotMoveTheAgentsStart() {
        let away = [DateInterval(start: Self.t + 6.5, end: Self.t + 9.9)]
        let reported = [ReportedOutage(cause: .powerLoss, start: Self.t, end: Self.t + 13.3)]
        let fromRestart = [DownPeriod(start: Self.t + 9.9, end: Self.t + 14.3)]
        let out = OutageMerger.merge(
            down: fromRestart, reported: reported, unreachable: [], collectorAway: away, slack: 2, now: Self.t + 100)
        #expect(out.map(\.start) == [Self.t] && out.map(\.source) == ["merged"])
        let fromBeat = [DownPeriod(start: Self.t + 3, end: Self.t + 14.3)]
        let refined = OutageMerger.merge(
            down: fromBeat, reported: reported, unreachable: [], collectorAway: away, slack: 2, now: Self.t + 100)
        #expect(refined.map(\.start) == [Self.t + 3])
    }

    @Test func shortRebootSeenOnlyByTheAgent() {
        let reported = [ReportedOutage(cause: .cleanReboot, start: Self.t, end: Self.t + 20)]
        let out = OutageMerger.merge(down: [], reported: reported, unreachable: [], slack: 15, now: Self.t + 100)
        #expect(
            out == [OutageView(start: Self.t, end: Self.t + 20, durationS: 20, cause: .cleanReboot, source: "agent")])
    }

    @Test func unexplainedDownPeriodIsUnknownOrNetwork() {
        let down = [DownPeriod(start: Self.t, end: Self.t + 100), DownPeriod(start: Self.t + 1000, end: nil)]
        let cut = [DateInterval(start: Self.t + 2, end: Self.t + 98)]
        let out = OutageMerger.merge(down: down, reported: [], unreachable: cut, slack: 15, now: Self.t + 1500)
        #expect(out.map(\.cause) == [.network, .unknown])
        #expect(out[1].end == nil && out[1].durationS == 500)
    }

    /// A down period of `length` s (nil: still down at 100 s) and the agent's collector-unreachable intervals (offsets
    /// from its start), with a device beating every 2 s (slack 2 + 5 s grace): `network` only when they cover it but
    /// for at most the slack in all; otherwise it is the collector's `unknown`, counted as downtime.
    static let coverCases: [(Double?, [ClosedRange<Double>], OutageCause)] = [
        (100, [-1...101], .network), // full cover
        (12.5, [5...8], .unknown), // cut for 3 s of 12.5 s (issue #26)
        (12.5, [2...12.5], .network), // the first failed post an interval after the last beat
        (100, [6...99], .network), // 7 s uncovered at the edges: within the slack
        (100, [6...98.5], .unknown), // 7.5 s: past it
        (100, [1...40, 30...60, 60...100], .network), // pieces joined, overlaps counted once
        (100, [1...40, 70...100], .unknown), // a 30 s hole in the middle
        (nil, [2...60], .unknown), // still down long after the reported cut ended
    ]

    @Test(arguments: coverCases)
    func aDownPeriodIsNetworkOnlyWhenTheUnreachableReportCoversIt(
        length: Double?, cuts: [ClosedRange<Double>], cause: OutageCause
    ) throws {
        let down = [DownPeriod(start: Self.t, end: length.map { Self.t + $0 })]
        let unreachable = cuts.map { DateInterval(start: Self.t + $0.lowerBound, end: Self.t + $0.upperBound) }
        let out = OutageMerger.merge(down: down, reported: [], unreachable: unreachable, slack: 7, now: Self.t + 100)
        let o = try #require(out.first)
        #expect(out.count == 1 && o.cause == cause && o.source == "collector")
        // Not network: counted as downtime.
        let share = try #require(
            Availability.share(window: 1000, now: Self.t + 1000, since: Self.t - 1e6, outages: out, unknown: []))
        #expect((share == 1) == (cause == .network))
    }

    @Test func aPartlyCoveredDownPeriodKeepsTheAgentsOwnCause() {
        // The agent reports it was stopped over the silence; 3 s of it the collector was unreachable too.
        let down = [DownPeriod(start: Self.t, end: Self.t + 12.5)]
        let reported = [ReportedOutage(cause: .agentStopped, start: Self.t + 1, end: Self.t + 12)]
        let unreachable = [DateInterval(start: Self.t + 5, end: Self.t + 8)]
        let out = OutageMerger.merge(
            down: down, reported: reported, unreachable: unreachable, slack: 7, now: Self.t + 100)
        #expect(out.map(\.cause) == [.agentStopped] && out.map(\.source) == ["merged"])
    }

    @Test func farApartRecordsStaySeparate() {
        let down = [DownPeriod(start: Self.t, end: Self.t + 60)]
        let reported = [ReportedOutage(cause: .agentStopped, start: Self.t + 5000, end: Self.t + 5100)]
        let out = OutageMerger.merge(down: down, reported: reported, unreachable: [], slack: 15, now: Self.t + 6000)
        #expect(out.map(\.source) == ["collector", "agent"])
    }

    @Test func unknownCauseWithoutStartKeepsTheCollectorStart() {
        let down = [DownPeriod(start: Self.t, end: Self.t + 100)]
        let reported = [ReportedOutage(cause: .unknown, start: nil, end: Self.t + 95)]
        let out = OutageMerger.merge(down: down, reported: reported, unreachable: [], slack: 15, now: Self.t + 200)
        #expect(out == [OutageView(start: Self.t, end: Self.t + 95, durationS: 95, cause: .unknown, source: "merged")])
    }
}

@Suite struct AvailabilityTests {
    static let now = Date(timeIntervalSince1970: 1_795_335_000)

    @Test func downtimeShare() throws {
        let o = [
            OutageView(
                start: Self.now - 3600, end: Self.now - 3600 + 864, durationS: 864, cause: .powerLoss, source: "agent")
        ]
        let day = try #require(
            Availability.share(window: 86_400, now: Self.now, since: Self.now - 1e7, outages: o, unknown: []))
        #expect(abs(day - 0.99) < 1e-9)
    }

    @Test func unknownTimeIsLeftOutOfBothSides() throws {
        // Half the day unknown, and a 432 s outage inside the known half: 1 % down.
        let unknown = [DateInterval(start: Self.now - 86_400, end: Self.now - 43_200)]
        let o = [
            OutageView(
                start: Self.now - 1000, end: Self.now - 568, durationS: 432, cause: .unknown, source: "collector"),
            OutageView(
                start: Self.now - 80_000, end: Self.now - 70_000, durationS: 10_000, cause: .unknown,
                source: "collector"),
        ]
        let day = try #require(
            Availability.share(window: 86_400, now: Self.now, since: Self.now - 1e7, outages: o, unknown: unknown))
        #expect(abs(day - 0.99) < 1e-9)
    }

    @Test func networkCutsAreNotDowntimeAndOngoingOutagesCount() throws {
        let o = [
            OutageView(
                start: Self.now - 600, end: Self.now - 300, durationS: 300, cause: .network, source: "collector"),
            OutageView(start: Self.now - 100, end: nil, durationS: 100, cause: .unknown, source: "collector"),
        ]
        let share = try #require(
            Availability.share(window: 1000, now: Self.now, since: Self.now - 1e7, outages: o, unknown: []))
        #expect(abs(share - 0.9) < 1e-9)
    }

    @Test func youngDeviceIsMeasuredFromItsCreation() {
        #expect(Availability.share(window: 86_400, now: Self.now, since: Self.now - 100, outages: [], unknown: []) == 1)
        #expect(Availability.share(window: 86_400, now: Self.now, since: Self.now, outages: [], unknown: []) == nil)
    }
}
