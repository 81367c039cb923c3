import DowntimeProtocol
import Foundation
import Testing

@testable import AgentCore

@Suite struct CheckTrackerTests {
    let t0 = Date(timeIntervalSince1970: 1_795_335_000)

    /// Runs one a minute; after each, the reported state and since (minutes after t0).
    @Test(
        arguments: [
            // Not run yet is unknown since the start.
            (1, [CheckState](), [(CheckState, Int)]()),
            (1, [.ok, .ok, .failing, .ok], [(.ok, 1), (.ok, 1), (.failing, 3), (.ok, 4)]),
            // Damped: two failing runs in a row before failing; one ok run recovers.
            (
                2, [.ok, .failing, .ok, .failing, .failing, .failing, .ok],
                [(.ok, 1), (.ok, 1), (.ok, 1), (.ok, 1), (.failing, 5), (.failing, 5), (.ok, 7)]
            ),
            // Unknown at once, and it restarts the count of failing runs.
            (
                2, [.ok, .failing, .unknown, .failing, .failing],
                [(.ok, 1), (.ok, 1), (.unknown, 3), (.unknown, 3), (.failing, 5)]
            ),
            (1, [.unknown, .unknown, .ok], [(.unknown, 0), (.unknown, 0), (.ok, 3)]),
        ])
    func damping(fails: Int, runs: [CheckState], expected: [(CheckState, Int)]) {
        var tracker = CheckTracker(name: "c", fails: fails, startedAt: t0)
        #expect(tracker.status.state == .unknown && tracker.status.detail == CheckTracker.notRunYet)
        for (i, run) in runs.enumerated() {
            let before = tracker.status.state
            let changed = tracker.record(CheckRun(run, "run \(i + 1)"), at: t0 + Double(i + 1) * 60)
            #expect(tracker.status.state == expected[i].0, "run \(i + 1)")
            #expect(tracker.status.since == t0 + Double(expected[i].1) * 60, "run \(i + 1)")
            #expect(changed == (before != tracker.status.state))
        }
    }

    @Test func theDetailFollowsTheNewestReportedRun() {
        var tracker = CheckTracker(name: "c", fails: 2, startedAt: t0)
        tracker.record(.ok("80% used"), at: t0)
        let detailOnly = tracker.record(.ok("81% used"), at: t0 + 60)
        #expect(!detailOnly)
        #expect(tracker.status.detail == "81% used" && tracker.status.since == t0)
        // A failing run still damped leaves the ok state's detail as it was.
        let damped = tracker.record(.failing("95% used"), at: t0 + 120)
        #expect(!damped)
        #expect(tracker.status.detail == "81% used" && tracker.failingRuns == 1)
    }

    @Test func aDetailIsOneBoundedPrintableLine() {
        let run = CheckRun.failing("  first\tline\nsecond line" + String(repeating: "x", count: 500))
        #expect(run.detail == "firstline")
        #expect(CheckRun.ok(String(repeating: "y", count: 500)).detail.count == CheckRun.maxDetail)
    }
}
