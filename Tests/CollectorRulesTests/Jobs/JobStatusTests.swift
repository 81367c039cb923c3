import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorRules

/// A job's state from its stored runs at a frozen `now` (issue #31): every state, overlapping runs, an end with no
/// start, an interrupted run, a cron due time.
@Suite struct JobStatusTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let utc = TimeZone(identifier: "UTC")!

    func spec(_ schedule: JobSchedule = .every(3600), grace: TimeInterval = 600, max: TimeInterval? = 1800)
        -> JobSpec
    {
        JobSpec(name: "backup", device: "nas", schedule: schedule, grace: grace, maxRuntime: max, createdAt: t0)
    }

    func status(_ runs: [JobRun], at offset: TimeInterval, _ spec: JobSpec? = nil) -> JobStatus {
        JobStatus.evaluate(spec: spec ?? self.spec(), runs: runs, now: t0 + offset, zone: utc)
    }

    func ended(_ rid: String, start: TimeInterval?, end: TimeInterval, exit: Int?, signal: Int? = nil) -> JobRun {
        JobRun(
            rid: rid, start: start.map { t0 + $0 }, end: t0 + end, exitCode: exit, signal: signal)
    }

    @Test func aJobThatNeverRanIsNewThenLateAtDuePlusGrace() {
        #expect(status([], at: 1800) == JobStatus(state: .new, since: t0, due: t0 + 3600))
        #expect(status([], at: 4199).state == .new)
        #expect(status([], at: 4200) == JobStatus(state: .late, since: t0 + 4200, due: t0 + 3600))
    }

    @Test func anOpenRunIsRunningThenTooLongPastMaxRuntime() {
        let open = JobRun(rid: "r1", start: t0 + 3600)
        #expect(status([open], at: 3700) == JobStatus(state: .running, since: t0 + 3600, due: t0 + 7200, run: open))
        #expect(status([open], at: 5399).state == .running)
        #expect(status([open], at: 5400) == JobStatus(state: .tooLong, since: t0 + 5400, due: t0 + 7200, run: open))
        // Without a max runtime it stays running, and is never late while it runs.
        #expect(status([open], at: 90_000, spec(max: nil)).state == .running)
    }

    @Test(
        arguments: [
            (0, nil, JobState.ok), (1, nil, .failed), (nil, 9, .failed), (nil, nil, .failed), (127, nil, .failed),
        ] as [(Int?, Int?, JobState)])
    func anEndedRunIsOkOrFailedByItsExit(exit: Int?, signal: Int?, expected: JobState) {
        let run = ended("r1", start: 3600, end: 3660, exit: exit, signal: signal)
        #expect(status([run], at: 3700) == JobStatus(state: expected, since: t0 + 3660, due: t0 + 7200, run: run))
    }

    @Test func aFinishedJobIsLateWhenTheNextStartDoesNotCome() {
        let run = ended("r1", start: 3600, end: 3660, exit: 0)
        #expect(status([run], at: 7799).state == .ok)
        #expect(status([run], at: 7800) == JobStatus(state: .late, since: t0 + 7800, due: t0 + 7200, run: run))
    }

    @Test func anEndWithNoStartCountsAtItsEnd() {
        let run = ended("r1", start: nil, end: 3660, exit: 2)
        #expect(status([run], at: 3700) == JobStatus(state: .failed, since: t0 + 3660, due: t0 + 7260, run: run))
    }

    @Test func overlappingRunsAreKeptApartByRid() {
        let first = ended("a", start: 3600, end: 3900, exit: 0)
        let second = JobRun(rid: "b", start: t0 + 3700)
        #expect(status([first, second], at: 4000).state == .running)
        #expect(status([first, second], at: 4000).run == second)
    }

    @Test func theNewestRunDecides() {
        let failed = ended("a", start: 3600, end: 3660, exit: 1)
        let fixed = ended("b", start: 7200, end: 7260, exit: 0)
        #expect(status([failed, fixed], at: 7300).state == .ok)
        #expect(status([fixed, failed], at: 7300).state == .ok)
    }

    @Test func aCronJobIsDueAtItsNextSlot() throws {
        // t0 = 2027-01-15T08:00:00Z; the next 03:00 is 16 January, late at 04:00 with a grace of 1 h.
        let cron = spec(.cron(try CronSchedule("0 3 * * *")), grace: 3600)
        let due = Date(timeIntervalSince1970: 1_800_068_400)
        #expect(status([], at: 71_999, cron) == JobStatus(state: .new, since: t0, due: due))
        #expect(status([], at: 72_000, cron) == JobStatus(state: .late, since: due + 3600, due: due))
    }

    @Test func aStateIsTheSameWhenAskedAgainLater() {
        // A restart re-derives the same state and moment from the same stored times.
        let run = ended("r1", start: 3600, end: 3660, exit: 1)
        #expect(status([run], at: 3700).since == status([run], at: 6000).since)
        #expect(status([], at: 5000).since == status([], at: 7000).since)
    }
}

/// Pairing a job's events into runs.
@Suite struct JobRunPairingTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func start(_ rid: String, at offset: TimeInterval, boot: String? = "b1") -> Event {
        Event(device: "nas", at: t0 + offset, bootID: boot, payload: .jobStart(JobStart(name: "backup", rid: rid)))
    }

    func end(_ rid: String, at offset: TimeInterval, exit: Int?, duration: Double? = nil) -> Event {
        Event(
            device: "nas", at: t0 + offset, bootID: nil,
            payload: .jobEnd(JobEnd(name: "backup", rid: rid, exitCode: exit, durationS: duration, output: "done")))
    }

    @Test func startsAndEndsPairByRidNewestFirst() {
        let runs = JobRun.pair([end("a", at: 60, exit: 0, duration: 59.5), start("b", at: 100), start("a", at: 0)])
        #expect(runs.map(\.rid) == ["b", "a"])
        #expect(runs[1].start == t0 && runs[1].end == t0 + 60 && runs[1].duration == 59.5 && runs[1].output == "done")
        #expect(runs[0].isOpen)
    }

    @Test func anEndWithNoStartIsARunWithAnUnknownStart() {
        let runs = JobRun.pair([end("x", at: 60, exit: 1)])
        #expect(runs.count == 1 && runs[0].start == nil && runs[0].end == t0 + 60 && runs[0].duration == nil)
    }

    @Test func theDurationFallsBackToTheEventTimes() {
        #expect(JobRun.pair([start("a", at: 0), end("a", at: 90, exit: 0)])[0].duration == 90)
    }

    @Test func anOpenRunFromAnEarlierBootIsInterrupted() {
        let events = [start("a", at: 0, boot: "b1")]
        #expect(JobRun.pair(events, latestBoot: ("b2", t0 + 50))[0].interrupted)
        // The same boot, or a boot seen before the start, or a ping-made run (no boot): still open.
        #expect(!JobRun.pair(events, latestBoot: ("b1", t0 + 50))[0].interrupted)
        #expect(!JobRun.pair(events, latestBoot: ("b0", t0 - 50))[0].interrupted)
        #expect(!JobRun.pair([start("p", at: 0, boot: nil)], latestBoot: ("b2", t0 + 50))[0].interrupted)
        let spec = JobSpec(
            name: "backup", device: "nas", schedule: .every(3600), grace: 60, maxRuntime: nil, createdAt: t0)
        let runs = JobRun.pair(events, latestBoot: ("b2", t0 + 50))
        let s = JobStatus.evaluate(spec: spec, runs: runs, now: t0 + 100, zone: TimeZone(identifier: "UTC")!)
        #expect(s.state == .interrupted && s.since == t0)
    }
}
