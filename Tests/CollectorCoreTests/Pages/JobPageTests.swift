import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorCore
@testable import CollectorRules

/// The job pages and series as pure functions of a job's entry (issue #31).
@Suite struct JobPageTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_335_000)

    static func entry(
        _ name: String, _ state: JobState, runs: [JobRun] = [], device: String = "nas", maxRuntime: TimeInterval? = nil
    ) -> JobBoard.Entry {
        let spec = JobSpec(
            name: name, device: device, schedule: .every(86_400), grace: 3600, maxRuntime: maxRuntime,
            createdAt: t0 - 86_400)
        return JobBoard.Entry(
            record: JobRecord(spec: spec, keyHash: ""), status: JobStatus(state: state, since: t0, due: t0 + 86_400),
            runs: runs)
    }

    @Test func theOverviewPutsProblemsFirstThenRunningOkNew() {
        let names = JobsTable.ordered(
            [
                Self.entry("a-new", .new), Self.entry("b-ok", .ok), Self.entry("c-running", .running),
                Self.entry("d-late", .late), Self.entry("e-failed", .failed), Self.entry("f-long", .tooLong),
                Self.entry("g-cut", .interrupted),
            ]
        ).map(\.record.name)
        #expect(names == ["d-late", "e-failed", "f-long", "g-cut", "c-running", "b-ok", "a-new"])
    }

    @Test func runsShowBarsOutcomesAndDroppedOutput() {
        let runs = [
            JobRun(rid: "3", start: Self.t0 - 30), // open: 30 s so far
            JobRun(
                rid: "2", start: Self.t0 - 400, end: Self.t0 - 300, exitCode: 0, duration: 100, output: "<i>ok</i>",
                outputDropped: 5000),
            JobRun(rid: "1", start: Self.t0 - 1000, end: Self.t0 - 800, signal: 9, duration: 200),
            JobRun(rid: "0", start: Self.t0 - 2000, bootID: "b", interrupted: true),
        ]
        let html = JobPage.render(Self.entry("backup", .running, runs: runs), local: .utc, now: Self.t0)
        // Bars are shares of the longest run shown (200 s); a failed one is marked.
        #expect(html.contains("<i style=\"width:15%\"></i></span> 30s"))
        #expect(html.contains("<i style=\"width:50%\"></i></span> 1m 40s"))
        #expect(html.contains("<i style=\"width:100%\" class=\"bad\"></i></span> 3m 20s"))
        #expect(html.contains("signal 9") && html.contains("interrupted") && html.contains("never (cut)"))
        #expect(html.contains("5000 earlier bytes dropped") && html.contains("&lt;i&gt;ok&lt;/i&gt;"))
        #expect(html.contains(">2026-11-22 08:09 UTC</time>"))
        #expect(html.contains("<th>Max runtime</th><td>no limit</td>"))
        #expect(html.contains("No change recorded yet."))
    }

    @Test func stateChangesAreListedNewestFirstWithWhy() {
        var e = Self.entry("backup", .failed)
        e.flips = [
            JobFlip(
                id: UUID(), device: "nas",
                record: JobFlipRecord(name: "backup", from: .running, to: .failed, reason: "exit <1>"), at: Self.t0),
            JobFlip(
                id: UUID(), device: "nas", record: JobFlipRecord(name: "backup", from: .new, to: .running, reason: ""),
                at: Self.t0 - 60),
        ]
        let html = JobPage.render(e, local: .utc, now: Self.t0)
        let failed = html.range(of: "exit &lt;1&gt;")
        let running = html.range(of: "<td>new</td>")
        #expect(failed != nil && running != nil && failed!.lowerBound < running!.lowerBound, "\(html)")
        #expect(!html.contains("No change recorded yet."))
    }

    @Test func theSeriesHaveOneStateAtOneAndTheLastSuccess() {
        let ok = JobRun(rid: "1", start: Self.t0 - 100, end: Self.t0 - 10, exitCode: 0, duration: 90)
        let failed = JobRun(rid: "2", start: Self.t0 - 5, end: Self.t0, exitCode: 1, duration: 5)
        let text = MetricsExport.jobs(
            [Self.entry("backup", .failed, runs: [failed, ok]), Self.entry("say \"hi\"", .new, device: "pi")])
        let lines = text.split(separator: "\n").map(String.init)
        #expect(
            lines.filter { $0.hasPrefix("# TYPE ") } == [
                "# TYPE downtime_job_last_success_timestamp_seconds gauge", "# TYPE downtime_job_state gauge",
            ])
        #expect(lines.filter { $0.hasPrefix("# HELP ") }.count == 2)
        let states = lines.filter { $0.hasPrefix("downtime_job_state{job=\"backup\"") }
        #expect(states.count == JobState.allCases.count)
        #expect(
            states.filter { $0.hasSuffix(" 1") } == [
                "downtime_job_state{job=\"backup\",device=\"nas\",state=\"failed\"} 1"
            ])
        #expect(
            lines.contains(
                "downtime_job_last_success_timestamp_seconds{job=\"backup\",device=\"nas\"} "
                    + String(format: "%.3f", (Self.t0 - 10).timeIntervalSince1970)))
        // Never succeeded: no timestamp; a label's quote is escaped.
        #expect(!text.contains("last_success_timestamp_seconds{job=\"say"))
        #expect(text.contains("downtime_job_state{job=\"say \\\"hi\\\"\",device=\"pi\",state=\"new\"} 1\n"))
        #expect(MetricsExport.jobs([]) == "")
    }
}
