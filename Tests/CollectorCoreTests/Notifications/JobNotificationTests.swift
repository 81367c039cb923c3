import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorRules

/// Jobs' messages (issue #31) on a frozen clock: a problem is told after the group window, its end once, jobs held
/// together are one message, and bouncing after a problem message is one summary naming the state it ended in.
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

    @Test func aProblemIsToldAfterTheGroupWindowAndItsEndOnce() {
        var p = NotificationPlanner(damp: 600, groupWindow: 10, settle: 30)
        // A run starting and ending well is only logged.
        observe(&p, Self.flip("backup", .new, .running, at: 0), Self.flip("backup", .running, .ok, at: 5))
        #expect(run(&p, at: 6) == [])
        observe(&p, Self.flip("backup", .ok, .failed, at: 100, reason: "exit 1"))
        #expect(run(&p, at: 109) == [])
        let due = p.due(now: Self.t0 + 110, deviceCount: 3)
        #expect(due.map(\.kind) == [.jobProblem])
        #expect(due.first?.reason == "exit 1" && due.first?.devices == ["nas"] && due.first?.at == Self.t0 + 100)
        observe(&p, Self.flip("backup", .failed, .running, at: 200))
        #expect(run(&p, at: 210) == ["job_ok:backup:running"])
        // Its run ending well after the end of the problem was told: nothing more.
        observe(&p, Self.flip("backup", .running, .ok, at: 260))
        #expect(run(&p, at: 2000) == [])
    }

    @Test func bouncingAfterAProblemIsOneSummaryWithTheStateItEndedIn() {
        var p = NotificationPlanner(damp: 600, groupWindow: 10, settle: 30)
        observe(&p, Self.flip("sync", .ok, .late, at: 0))
        #expect(run(&p, at: 10) == ["job_problem:sync:late"])
        observe(&p, Self.flip("sync", .late, .ok, at: 60))
        #expect(run(&p, at: 70) == ["job_ok:sync:ok"])
        observe(&p, Self.flip("sync", .ok, .failed, at: 120))
        observe(&p, Self.flip("sync", .failed, .ok, at: 180))
        observe(&p, Self.flip("sync", .ok, .failed, at: 240))
        #expect(run(&p, at: 599) == [])
        #expect(run(&p, at: 600) == ["flapping:sync:failed"])
        // Quiet over: the next problem is told again.
        observe(&p, Self.flip("sync", .failed, .interrupted, at: 700))
        #expect(run(&p, at: 710) == ["job_problem:sync:interrupted"])
    }

    @Test func theEndOfAProblemToldBeforeARestartIsStillTold() {
        // A fresh planner (a restarted collector) sees the job's problem end; its problem went out before.
        var p = NotificationPlanner(damp: 600, groupWindow: 10, settle: 30)
        observe(&p, Self.flip("backup", .failed, .ok, at: 0))
        #expect(run(&p, at: 10) == ["job_ok:backup:ok"])
        // Once known, an end is told only after a problem: a second end is nothing.
        observe(&p, Self.flip("backup", .ok, .running, at: 10), Self.flip("backup", .late, .ok, at: 20))
        #expect(run(&p, at: 1000) == [])
    }

    @Test func aToldJobFlipHoldsTheLogCursorUntilHandedOut() {
        var p = NotificationPlanner(damp: 600, groupWindow: 10, settle: 30)
        let f = Self.flip("backup", .running, .tooLong, at: 0)
        observe(&p, f)
        #expect(p.holding([f.id: ""]) == [f.id])
        #expect(p.due(now: Self.t0 + 5, deviceCount: 3).isEmpty)
        #expect(p.holding([f.id: ""]) == [f.id])
        _ = p.due(now: Self.t0 + 10, deviceCount: 3)
        #expect(p.holding([f.id: ""]).isEmpty)
    }

    @Test func jobsHeldTogetherAreOneMessageNamingEach() {
        var p = NotificationPlanner(damp: 600, groupWindow: 10, settle: 30)
        var other = Self.flip("photos", .running, .failed, at: 4, reason: "exit 2")
        other.device = "pi-2"
        observe(&p, Self.flip("backup", .ok, .late, at: 0))
        observe(&p, other)
        observe(&p, Self.flip("certs", .running, .interrupted, at: 6))
        #expect(run(&p, at: 9) == [])
        let due = p.due(now: Self.t0 + 10, deviceCount: 3)
        #expect(due.count == 1)
        #expect(due.first?.kind == .jobProblem && due.first?.job == nil)
        #expect(due.first?.jobs.map(\.record.name) == ["backup", "photos", "certs"])
        #expect(due.first?.devices == ["nas", "pi-2"] && due.first?.at == Self.t0)
        // Their ends within one window: one message too; one job alone is its own message.
        observe(&p, Self.flip("backup", .late, .ok, at: 100), Self.flip("certs", .interrupted, .ok, at: 101))
        #expect(run(&p, at: 110).count == 1)
        observe(&p, Self.flip("photos", .failed, .ok, at: 200))
        #expect(run(&p, at: 210) == ["job_ok:photos:ok"])
    }

    @Test func aSnoozedDevicesJobsLeaveTheGroup() {
        var p = NotificationPlanner(damp: 600, groupWindow: 10, settle: 30)
        var other = Self.flip("photos", .running, .failed, at: 1)
        other.device = "pi-2"
        p.observe(.alerts(DeviceAlerts(snoozedUntil: ["nas": Self.t0 + 3600])))
        observe(&p, Self.flip("backup", .ok, .late, at: 0), other)
        let due = p.due(now: Self.t0 + 10, deviceCount: 3)
        #expect(due.map(\.devices) == [["pi-2"]])
        #expect(due.first?.job?.name == "photos" && due.first?.jobs == [])
    }
}
