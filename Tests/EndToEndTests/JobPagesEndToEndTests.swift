import DowntimeProtocol
import Foundation
import Testing

/// Issue #31, a job on the pages, the API and `/metrics` with the real binaries: `job add`, curl pings with a body
/// holding markup, then the job's JSON, its page (the output escaped, the page valid HTML) and its state gauge.
@Suite(.serialized) struct JobPagesEndToEndTests {
    @Test func aPingedJobShowsOnTheAPIItsPageAndMetrics() throws {
        let (data, collector, base) = try JobEndToEndTests.oneJob("job-pages")
        defer { try? FileManager.default.removeItem(atPath: data) }
        defer { collector.stop() }
        #expect(try Curl.request("GET", "\(base)/start").status == 200)
        let end = try Binaries.run(
            "/usr/bin/curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "--data-binary", "<b>x</b>", base])
        #expect(end.out == "200", "\(end)")

        let api = try Curl.request("GET", "\(collector.url)/api/v1/jobs/backup")
        #expect(api.status == 200, "\(api)")
        let job = try #require(try JSONSerialization.jsonObject(with: Data(api.body.utf8)) as? [String: Any])
        #expect(job["state"] as? String == "ok" && job["device"] as? String == "nas", "\(api.body)")
        let runs = try #require(job["runs"] as? [[String: Any]])
        #expect(runs.count == 1 && runs[0]["output"] as? String == "<b>x</b>" && runs[0]["exit_code"] as? Int == 0)
        #expect(try Curl.request("GET", "\(collector.url)/api/v1/jobs/nope").status == 404)

        let page = try Curl.request("GET", "\(collector.url)/jobs/backup")
        #expect(page.status == 200 && page.body.contains("&lt;b&gt;x&lt;/b&gt;") && !page.body.contains("<b>x</b>"))
        let overview = try Curl.request("GET", "\(collector.url)/").body
        #expect(overview.contains("<a href=\"/jobs/backup\">backup</a>"))
        let device = try Curl.request("GET", "\(collector.url)/devices/nas").body
        #expect(device.contains("<a href=\"/jobs/backup\">backup</a>"))
        try expectValidHTML([("job.html", page.body), ("overview.html", overview), ("device.html", device)])

        let metrics = try Curl.request("GET", "\(collector.url)/metrics").body
        #expect(metrics.contains("downtime_job_state{job=\"backup\",device=\"nas\",state=\"ok\"} 1\n"))
        #expect(metrics.contains("downtime_job_state{job=\"backup\",device=\"nas\",state=\"new\"} 0\n"))
        #expect(metrics.contains("downtime_job_last_success_timestamp_seconds{job=\"backup\",device=\"nas\"} "))
    }

    @Test func anAdminAddsAJobInTheBrowserAndItsKeyWorks() throws {
        let data = try Binaries.tempDir("job-admin")
        defer { try? FileManager.default.removeItem(atPath: data) }
        #expect(try JobEndToEndTests.cli(["device", "add", "nas"], data).status == 0)
        let collector = try CollectorProcess(
            dataDir: data, env: ["DOWNTIME_ADMIN_PASSWORD_HASH": try AdminEndToEndTests.passwordHash()])
        defer { collector.stop() }
        let (url, jar) = (collector.url, data + "/cookies.txt")
        func browse(_ method: String, _ path: String, form: [String] = []) throws -> (status: Int, body: String) {
            var args = [
                "-sS", "-X", method, "-c", jar, "-b", jar, "-o", "-", "-w", "\n%{http_code}", "-H", "Origin: \(url)",
            ]
            for field in form { args += ["--data-urlencode", field] }
            let r = try Binaries.run("/usr/bin/curl", args + [url + path])
            let lines = r.out.split(separator: "\n", omittingEmptySubsequences: false)
            return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
        }
        #expect(try browse("POST", "/admin/login", form: ["password=\(AdminEndToEndTests.password)"]).status == 303)
        let page = try browse("GET", "/admin/jobs")
        #expect(page.status == 200)
        let csrf = try #require(
            page.body.range(of: #"name="csrf" value=""#).map {
                String(page.body[$0.upperBound...].prefix { $0 != "\"" })
            })
        let added = try browse(
            "POST", "/admin/jobs", form: ["csrf=\(csrf)", "name=backup", "device=nas", "cron=0 3 * * *", "grace=30m"])
        #expect(added.status == 200, "\(added.body)")
        let key = try #require(AdminEndToEndTests.codeBlocks(added.body).first)
        #expect(key.hasPrefix("dtm_"))
        #expect(try Curl.request("GET", "\(url)/ping/job/\(key)").status == 200)
        #expect(try JobEndToEndTests.cli(["job", "list"], data).out.contains("backup\tnas\tcron 0 3 * * *"))
        let list = try browse("GET", "/admin/jobs")
        try expectValidHTML([("admin-jobs.html", list.body), ("admin-job-key.html", added.body)])
        #expect(try browse("POST", "/admin/jobs/backup/remove", form: ["csrf=\(csrf)"]).status == 200)
        #expect(try Curl.request("GET", "\(url)/ping/job/\(key)").status == 404)
    }
}
