import DowntimeProtocol
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CollectorCore
@testable import CollectorRules

/// Jobs on the read API, the pages and `/metrics` (issue #31), through the router: a job that ran once with
/// success, one that failed with markup in its output, one never run.
@Suite struct JobRoutesTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_335_000)

    /// A collector with device nas and three jobs: backup (ran 90 s, ok), sync (failed, `<script>` in its output),
    /// photos (never ran).
    func world() async throws -> Harness {
        let h = try await Harness.make()
        _ = try await h.addDevice("nas")
        let admin = JobAdmin(store: h.store, zone: .gmt, clock: h.clock)
        let backup = try await admin.add(.init(name: "backup", device: "nas", every: "1d", cron: nil, maxRuntime: "2h"))
        let sync = try await admin.add(.init(name: "sync", device: "nas", every: "1h", cron: nil, grace: "10m"))
        _ = try await admin.add(.init(name: "photos", device: "nas", every: "7d", cron: nil))
        try await h.test { client in
            _ = try await client.get("/ping/job/\(backup.key)/start")
            _ = try await client.get("/ping/job/\(sync.key)/start")
            h.clock.advance(90)
            _ = try await client.post(
                "/ping/job/\(backup.key)", "all <b>fine</b>\n", token: nil, contentType: "text/plain")
            _ = try await client.post(
                "/ping/job/\(sync.key)/2", "<script>alert(1)</script>", token: nil, contentType: "text/plain")
        }
        return h
    }

    @Test func theListHasEveryJobWithItsStateAndLastRun() async throws {
        let h = try await world()
        try await h.test { client in
            let list = try await client.getJSON("/api/v1/jobs", as: JobList.self)
            #expect(list.jobs.map(\.name) == ["backup", "photos", "sync"])
            #expect(list.jobs.map(\.state) == [.ok, .new, .failed])
            let backup = list.jobs[0]
            #expect(backup.device == "nas" && backup.schedule == "every 86400" && backup.graceS == 3600)
            #expect(backup.maxRuntimeS == 7200 && backup.runs == nil)
            #expect(backup.lastRun?.exitCode == 0 && backup.lastRun?.durationS == 90)
            #expect(backup.due == Self.t0 + 86_400 && backup.since == Self.t0 + 90)
            #expect(list.jobs[1].lastRun == nil && list.jobs[1].maxRuntimeS == nil)
            // Nulls are written out; times are UTC ISO 8601; the runs only on a job's own answer.
            let (_, raw, _) = try await client.get("/api/v1/jobs")
            #expect(raw.contains(#""last_run":null"#) && raw.contains(#""max_runtime_s":null"#))
            #expect(raw.contains(#""since":"2026-11-22T"#) && !raw.contains(#""runs""#))
        }
    }

    @Test func aJobsAnswerHasItsRunsWithTheirOutput() async throws {
        let h = try await world()
        try await h.test { client in
            let sync = try await client.getJSON("/api/v1/jobs/sync", as: JobView.self)
            #expect(sync.state == .failed && sync.graceS == 600)
            let run = try #require(sync.runs?.first)
            #expect(sync.runs?.count == 1 && run == sync.lastRun)
            #expect(run.exitCode == 2 && run.output == "<script>alert(1)</script>" && run.outputDropped == 0)
            #expect(run.start == Self.t0 && run.end == Self.t0 + 90 && !run.interrupted && run.signal == nil)
            let (_, raw, _) = try await client.get("/api/v1/jobs/SYNC")
            for key in [
                "rid", "start", "end", "exit_code", "signal", "duration_s", "output", "output_dropped", "reason",
            ] {
                #expect(raw.contains("\"\(key)\":"), "\(key)")
            }
            #expect(try await client.getJSON("/api/v1/jobs/photos", as: JobView.self).runs == [])
        }
    }

    @Test func anUnknownOrInvalidJobIsAClearError() async throws {
        let h = try await world()
        try await h.test { client in
            let (s404, b404, _) = try await client.get("/api/v1/jobs/nope")
            #expect(s404 == .notFound && b404 == #"{"error":"no job named nope","field":"name"}"#)
            let (s400, b400, _) = try await client.get("/api/v1/jobs/-bad")
            #expect(s400 == .badRequest && b400.contains(#""field":"name""#))
            let (p404, pb, _) = try await client.get("/jobs/nope")
            #expect(p404 == .notFound && pb.contains("no job named nope"))
        }
    }

    @Test func theJobPageShowsItsRunsEscaped() async throws {
        let h = try await world()
        try await h.test { client in
            let (status, page, headers) = try await client.get("/jobs/sync")
            #expect(status == .ok && headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !page.contains("<script>alert"))
            #expect(page.contains("<pre class=\"out\">") && page.contains("exit 2"))
            #expect(page.contains("<a href=\"/devices/nas\">nas</a>") && page.contains("Its last run failed"))
            let (_, backup, _) = try await client.get("/jobs/backup")
            #expect(backup.contains("all &lt;b&gt;fine&lt;/b&gt;") && backup.contains("1m 30s"))
        }
    }

    @Test func theOverviewAndTheDevicePageListTheJobs() async throws {
        let h = try await world()
        try await h.test { client in
            let (_, overview, _) = try await client.get("/")
            let table = try #require(overview.range(of: "<table class=\"jobs\">")).upperBound
            let rows = overview[table...]
            // Problems first: the failed sync, then ok, then new.
            let order = ["/jobs/sync", "/jobs/backup", "/jobs/photos"].map { rows.range(of: $0)?.lowerBound }
            #expect(order.allSatisfy { $0 != nil } && order[0]! < order[1]! && order[1]! < order[2]!)
            #expect(rows.contains(">failed</span>") && overview.contains("Jobs (1 with a problem)"))
            let (_, device, _) = try await client.get("/devices/nas")
            #expect(device.contains("<a href=\"/jobs/backup\">backup</a>") && device.contains(">failed</span>"))
        }
        // A collector without jobs shows no jobs table.
        let bare = try await Harness.make()
        _ = try await bare.addDevice("pi")
        try await bare.test { client in
            let (_, overview, _) = try await client.get("/")
            #expect(overview.contains("pi") && !overview.contains("Jobs"))
        }
    }

    @Test func metricsExportEachJobsStateAndLastSuccess() async throws {
        let h = try await world()
        try await h.test { client in
            let (_, text, _) = try await client.get("/metrics")
            #expect(text.contains("downtime_job_state{job=\"backup\",device=\"nas\",state=\"ok\"} 1\n"))
            #expect(text.contains("downtime_job_state{job=\"sync\",device=\"nas\",state=\"failed\"} 1\n"))
            #expect(
                text.contains(
                    "downtime_job_last_success_timestamp_seconds{job=\"backup\",device=\"nas\"} "
                        + String(format: "%.3f", (Self.t0 + 90).timeIntervalSince1970) + "\n"))
            #expect(!text.contains("downtime_job_last_success_timestamp_seconds{job=\"sync\""))
        }
    }
}
