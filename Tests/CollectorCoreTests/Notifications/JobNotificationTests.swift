import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorRules

/// Jobs' messages (issue #31) on a frozen clock: a problem is told at once, its end once, and bouncing after a
/// problem message is one summary naming the state it ended in.
@Suite struct JobNotificationTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_335_000)

    static func flip(_ job: String, _ from: JobState, _ to: JobState, at offset: TimeInterval, reason: String = "")
        -> JobFlip
    {
        JobFlip(
            id: UUID(), device: "nas", record: JobFlipRecord(name: job, from: from, to: to, reason: reason),
            at: t0 + offset)
    }

    func observe(_ p: inout NotificationPlanner, _ flips: JobFlip...) {
        p.observe(.jobFlips(flips, now: flips[0].at))
    }

    func run(_ p: inout NotificationPlanner, at offset: TimeInterval) -> [String] {
        p.due(now: Self.t0 + offset, deviceCount: 3).map {
            "\($0.kind.rawValue):\($0.job?.name ?? ""):\($0.job?.to.rawValue ?? "")"
        }
    }

    @Test func aProblemIsToldAtOnceAndItsEndOnce() {
        var p = NotificationPlanner(damp: 600, groupWindow: 10, settle: 30)
        // A run starting and ending well is only logged.
        observe(&p, Self.flip("backup", .new, .running, at: 0), Self.flip("backup", .running, .ok, at: 5))
        #expect(run(&p, at: 6) == [])
        observe(&p, Self.flip("backup", .ok, .failed, at: 100, reason: "exit 1"))
        let due = p.due(now: Self.t0 + 100, deviceCount: 3)
        #expect(due.map(\.kind) == [.jobProblem])
        #expect(due.first?.reason == "exit 1" && due.first?.devices == ["nas"] && due.first?.at == Self.t0 + 100)
        observe(&p, Self.flip("backup", .failed, .running, at: 200))
        #expect(run(&p, at: 200) == ["job_ok:backup:running"])
        // Its run ending well after the end of the problem was told: nothing more.
        observe(&p, Self.flip("backup", .running, .ok, at: 260))
        #expect(run(&p, at: 2000) == [])
    }

    @Test func bouncingAfterAProblemIsOneSummaryWithTheStateItEndedIn() {
        var p = NotificationPlanner(damp: 600, groupWindow: 10, settle: 30)
        observe(&p, Self.flip("sync", .ok, .late, at: 0))
        #expect(run(&p, at: 0) == ["job_problem:sync:late"])
        observe(&p, Self.flip("sync", .late, .ok, at: 60))
        #expect(run(&p, at: 60) == ["job_ok:sync:ok"])
        observe(&p, Self.flip("sync", .ok, .failed, at: 120))
        observe(&p, Self.flip("sync", .failed, .ok, at: 180))
        observe(&p, Self.flip("sync", .ok, .failed, at: 240))
        #expect(run(&p, at: 599) == [])
        #expect(run(&p, at: 600) == ["flapping:sync:failed"])
        // Quiet over: the next problem is told again.
        observe(&p, Self.flip("sync", .failed, .interrupted, at: 700))
        #expect(run(&p, at: 700) == ["job_problem:sync:interrupted"])
    }

    @Test func theEndOfAProblemToldBeforeARestartIsStillTold() {
        // A fresh planner (a restarted collector) sees the job's problem end; its problem went out before.
        var p = NotificationPlanner(damp: 600, groupWindow: 10, settle: 30)
        observe(&p, Self.flip("backup", .failed, .ok, at: 0))
        #expect(run(&p, at: 0) == ["job_ok:backup:ok"])
        // Once known, an end is told only after a problem: a second end is nothing.
        observe(&p, Self.flip("backup", .ok, .running, at: 10), Self.flip("backup", .late, .ok, at: 20))
        #expect(run(&p, at: 1000) == [])
    }

    @Test func aToldJobFlipHoldsTheLogCursorUntilHandedOut() {
        var p = NotificationPlanner(damp: 600, groupWindow: 10, settle: 30)
        let f = Self.flip("backup", .running, .tooLong, at: 0)
        observe(&p, f)
        #expect(p.holding([f.id: ""]) == [f.id])
        _ = p.due(now: Self.t0, deviceCount: 3)
        #expect(p.holding([f.id: ""]).isEmpty)
    }
}
