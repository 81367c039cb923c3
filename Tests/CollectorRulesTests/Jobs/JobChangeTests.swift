import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorRules

/// A job's state change against the stored state (issue #31): none when the same (a restart doubles nothing), the
/// message of each, and which changes are told.
@Suite struct JobChangeTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func record(_ state: JobState) -> JobRecord {
        JobRecord(
            spec: JobSpec(
                name: "backup", device: "nas", schedule: .every(86_400), grace: 3600, maxRuntime: 7200, createdAt: t0),
            keyHash: "0102", state: state, stateSince: t0)
    }

    @Test func theSameStateIsNoChange() {
        #expect(JobChange.between(record(.failed), JobStatus(state: .failed, since: t0 + 99, due: t0)) == nil)
        let change = JobChange.between(record(.ok), JobStatus(state: .late, since: t0 + 5, due: t0))
        #expect(change == JobChange(job: "backup", device: "nas", from: .ok, to: .late, at: t0 + 5))
    }

    @Test(
        arguments: [
            (
                JobState.ok, JobState.failed, JobRun(rid: "r", end: Date(timeIntervalSince1970: 1), exitCode: 1),
                "backup on nas failed (exit 1)", true
            ),
            (
                .running, .failed, JobRun(rid: "r", end: Date(timeIntervalSince1970: 1), signal: 9),
                "backup on nas failed (signal 9)", true
            ),
            (.running, .failed, JobRun(rid: "r", end: Date(timeIntervalSince1970: 1)), "backup on nas failed", true),
            (.ok, .late, nil, "backup on nas is late (not started by its due time and grace)", true),
            (.running, .tooLong, nil, "backup on nas is running too long (over 2h 0m)", true),
            (.running, .interrupted, nil, "backup on nas was interrupted (its device restarted during the run)", true),
            (.failed, .ok, nil, "backup on nas is ok again", true),
            (.late, .running, nil, "backup on nas is running again", true),
            (.running, .ok, nil, "backup on nas is ok", false),
            (.new, .running, nil, "backup on nas is running", false),
        ] as [(JobState, JobState, JobRun?, String, Bool)])
    func eachChangeHasItsMessage(from: JobState, to: JobState, run: JobRun?, message: String, told: Bool) {
        let change = JobChange(job: "backup", device: "nas", from: from, to: to, at: t0, run: run)
        #expect(change.message(maxRuntime: 7200) == message)
        // Its log row carries the change, and whether people hear of it follows from it.
        let flip = JobFlip(change.event(maxRuntime: 7200))
        #expect(flip?.record.from == from && flip?.record.to == to && flip?.record.rid == run?.rid)
        #expect(flip?.notifies == told)
    }
}
