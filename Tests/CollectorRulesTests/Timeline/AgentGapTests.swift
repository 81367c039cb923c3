import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorRules

/// Issue #26: a clean agent stop and a return in the same boot is an agent gap, never downtime.
@Suite struct AgentGapTests {
    static let t = Date(timeIntervalSince1970: 1_795_335_000)

    /// The agent's `shutdown` (offset from the last beat, s; nil: none), its next `agent_started` (offset; nil: none)
    /// and whether that start is of the same boot, the down period's end (nil: still silent at 600 s), and the cause.
    static let cases: [(Double?, Double?, Bool, Double?, OutageCause)] = [
        (4, 290, true, 300, .agentGap), // systemctl stop, pause, start: the case
        (-15, 290, true, 300, .agentGap), // the shutdown a slack (interval + grace) from the last beat
        (15, 290, true, 300, .agentGap),
        (15.5, 290, true, 300, .unknown), // past the slack: the silence did not begin with it
        (-100, 290, true, 300, .unknown),
        (4, 290, false, 300, .unknown), // started again in a new boot (its report would be the cause)
        (4, nil, false, 300, .unknown), // no start seen
        (4, 320, true, 300, .unknown), // started past the return's slack: another stop's start
        (4, 314, true, 300, .agentGap), // within it
        (4, nil, false, nil, .unknown), // still silent: the agent or the device shut down, nobody knows which
        (nil, 290, true, 300, .unknown), // no clean stop: the silence is the device's
    ]

    @Test(arguments: cases)
    func aDownPeriodOpenedByACleanStopAndClosedInTheSameBootIsAnAgentGap(
        stop: Double?, start: Double?, sameBoot: Bool, end: Double?, cause: OutageCause
    ) throws {
        var rows: [StoredEvent] = []
        func add(_ at: Date, _ boot: String?, _ payload: Event.Payload) {
            rows.append(
                StoredEvent(
                    event: Event(device: "pi-1", at: at, bootID: boot, payload: payload), receivedAt: at,
                    seq: Int64(rows.count)))
        }
        add(Self.t - 1000, nil, .flip(FlipRecord(from: .new, to: .up, reason: "first heartbeat")))
        add(Self.t, nil, .flip(FlipRecord(from: .up, to: .down, reason: "no heartbeat for 35 s")))
        if let stop { add(Self.t + stop, "aa", .shutdown) }
        if let start { add(Self.t + start, sameBoot ? "aa" : "bb", .agentStarted(agentVersion: "1.0")) }
        if let end { add(Self.t + end, nil, .flip(FlipRecord(from: .down, to: .up, reason: "heartbeat received"))) }
        let now = Self.t + 600
        let timeline = DeviceTimeline(rows: rows, now: now)
        let out = timeline.outages(slack: 15, now: now)
        let o = try #require(out.first)
        #expect(out.count == 1 && o.cause == cause && o.source == "collector")
        // Never downtime; an agent gap is also no known time (as `unreachable`), so the day stays 100 %.
        let unknown = cause == .agentGap ? [DateInterval(start: o.start, end: o.end ?? now)] : []
        let (down, known) = Availability.downAndKnown(
            from: Self.t - 1000, to: now, now: now, since: Self.t - 1000, outages: out, unknown: unknown)
        #expect(down == (cause == .agentGap ? 0 : (o.end ?? now).timeIntervalSince(o.start)))
        #expect(known == (cause == .agentGap ? 1300 : 1600))
    }

    /// An agent's own report (a clean reboot after the shutdown, or `agent_stopped` without a clean mark) is the cause,
    /// as before: the agent gap is only for a down period no report explains.
    @Test func anAgentReportStaysTheCause() {
        let stops = [CleanStop(at: Self.t + 4, bootID: "aa", restartedAt: nil)]
        let down = [DownPeriod(start: Self.t, end: Self.t + 300)]
        for cause in [OutageCause.cleanReboot, .agentStopped] {
            let reported = [ReportedOutage(cause: cause, start: Self.t - 20, end: Self.t + 290)]
            let out = OutageMerger.merge(
                down: down, reported: reported, unreachable: [], cleanStops: stops, slack: 15, now: Self.t + 600)
            #expect(out.map(\.cause) == [cause])
            // Still downtime: an agent that did not stop cleanly may have hung with its device (same boot id).
            #expect(Availability.isDowntime(out[0]))
        }
    }

    /// Campaign seed 307: the collector was killed (its last stored beat 2 s older than the agent's last one), the
    /// agent stopped cleanly while it was away, and the agent's unreachable report ran from its first failed post to
    /// its restart. The silence before the stop is the collector's or the network's: still an agent gap. The same
    /// silence with nothing to explain it is not (the table above: 15.5 s past the slack).
    /// (collector away from, to; unreachable from, to; the stop; the cause), offsets from the last stored beat, s.
    static let explained: [(Double?, Double?, Double?, Double?, Double, OutageCause)] = [
        (1.3, 3.6, 2.0, 14.1, 2.1, .agentGap), // seed 307 fault 17 (interval 1 s + grace 1 s)
        (0.2, 5.7, 2.0, 9.9, 2.5, .agentGap), // fault 22: the collector went just after the last beat
        (nil, nil, 2.0, 14.1, 2.1, .agentGap), // the agent's report alone covers all but the slack
        (1.3, 3.6, nil, nil, 2.1, .agentGap), // the absence alone
        (nil, nil, nil, nil, 2.1, .unknown), // nothing explains the 2.1 s: not opened by the stop
        (1.3, 1.5, nil, nil, 6, .unknown), // an absence that explains only part of the silence
        (nil, nil, 3.0, 14.1, 30, .unknown), // the stop is after the period's end: another period's
    ]

    @Test(arguments: explained)
    func aSilenceBeforeTheStopThatTheCollectorsAbsenceOrTheNetworkExplainsIsStillAnAgentGap(
        awayFrom: Double?, awayTo: Double?, cutFrom: Double?, cutTo: Double?, stop: Double, cause: OutageCause
    ) {
        let stops = [CleanStop(at: Self.t + stop, bootID: "aa", restartedAt: Self.t + 12)]
        let down = [DownPeriod(start: Self.t, end: Self.t + 12.1)]
        let span = { (a: Double?, b: Double?) in
            a.flatMap { a in b.map { [DateInterval(start: Self.t + a, end: Self.t + $0)] } } ?? []
        }
        let out = OutageMerger.merge(
            down: down, reported: [], unreachable: span(cutFrom, cutTo), cleanStops: stops,
            collectorAway: span(awayFrom, awayTo), slack: 2, now: Self.t + 600)
        #expect(out.map(\.cause) == [cause])
    }

    /// Campaign seed 337: the agent stopped and started again (its first beat 7 ms after its start), then the
    /// collector was killed and the network cut; the agent's unreachable report covers the silence. The stop ended
    /// before the period began, so the period is the network's, not an agent gap. Offsets from the last stored beat.
    @Test func aStopThatEndedBeforeThePeriodBeganDoesNotOpenIt() {
        let down = [DownPeriod(start: Self.t, end: Self.t + 21.015)]
        let unreachable = [DateInterval(start: Self.t + 0.996, end: Self.t + 21.010)]
        let away = [DateInterval(start: Self.t + 0.391, end: Self.t + 5.238)]
        func cause(restart: Double) -> OutageCause? {
            let stops = [CleanStop(at: Self.t - 0.637, bootID: "aa", restartedAt: Self.t + restart)]
            return OutageMerger.merge(
                down: down, reported: [], unreachable: unreachable, cleanStops: stops, collectorAway: away, slack: 2,
                now: Self.t + 600
            ).first?.cause
        }
        #expect(cause(restart: -0.007) == .network)
        // Started again only after the last beat the collector holds (that beat was the stopping agent's): a gap.
        #expect(cause(restart: 20.9) == .agentGap)
    }

    @Test func agentsMayNotPostAnAgentGap() {
        let json = """
            {"events":[{"id":"6f1c2c1e-2b5d-4a7e-9a51-6c1b8f0e2d11","device":"pi-1","kind":"outage",
            "at":"2026-11-22T09:00:00Z","boot_id":"aa","cause":"agent_gap","start":"2026-11-22T08:00:00Z",
            "end":"2026-11-22T09:00:00Z","duration_s":3600,"precision_s":60,"clock_synced":true}]}
            """
        #expect(throws: (any Error).self) { try WireCoding.decode(EventBatch.self, from: Array(json.utf8)) }
    }
}
