import DowntimeProtocol
import Foundation
import Testing

/// Issue #31, jobs on the collector with the real binaries: `job add|list|remove` (the key on the last line, one line
/// and exit 2 for bad input) and curl pings to a real collector stored as the job's device's events.
@Suite(.serialized) struct JobEndToEndTests {
    static func cli(_ args: [String], _ data: String) throws -> (status: Int32, out: String, err: String) {
        try Binaries.run(
            "downtime-collector", args + ["--data-dir", data], env: ["DOWNTIME_TIMEZONE": "Europe/Berlin"])
    }

    /// A collector over a new data folder with device nas and job backup (`--every 1d`), and the job's ping address.
    /// The caller removes `data`.
    static func oneJob(_ tag: String) throws -> (data: String, collector: CollectorProcess, base: String) {
        let data = try Binaries.tempDir(tag)
        #expect(try cli(["device", "add", "nas"], data).status == 0)
        let added = try cli(["job", "add", "backup", "--device", "nas", "--every", "1d"], data)
        let key = String(added.out.split(separator: "\n").last ?? "")
        let collector = try CollectorProcess(dataDir: data)
        return (data, collector, "\(collector.url)/ping/job/\(key)")
    }

    @Test func theCLIAddsListsAndRemovesJobsAndRefusesBadInputInOneLine() throws {
        let data = try Binaries.tempDir("job-cli")
        defer { try? FileManager.default.removeItem(atPath: data) }
        #expect(try Self.cli(["device", "add", "nas"], data).status == 0)
        let added = try Self.cli(
            [
                "job", "add", "backup", "--device", "nas", "--cron", "0 3 * * mon-fri", "--grace", "1h",
                "--max-runtime", "2h",
            ], data)
        let key = added.out.split(separator: "\n").last.map(String.init) ?? ""
        #expect(added.status == 0 && key.hasPrefix("dtm_") && key.count > 40, "\(added)")
        #expect(try Self.cli(["job", "add", "sync", "--device", "nas", "--every", "1d"], data).status == 0)
        let list = try Self.cli(["job", "list"], data)
        let lines = list.out.split(separator: "\n").map { $0.split(separator: "\t").prefix(5).joined(separator: " ") }
        #expect(
            lines == [
                "backup nas cron 0 3 * * mon-fri grace 1h 0m max 2h 0m", "sync nas every 86400 grace 1h 0m no max",
            ],
            "\(list)")
        for (args, message) in [
            (["add", "x", "--device", "pi-9", "--every", "1d"], "--device: no device named pi-9"),
            (["add", "x", "--device", "nas", "--cron", "0 25 * * *"], "--cron hour: '25' is not a number 0-23"),
            (["add", "x", "--device", "nas", "--cron", "0 3 * * mo"], "--cron day-of-week:"),
            (["add", "x", "--device", "nas", "--every", "soon"], "--every: duration must be like"),
            (["add", "x", "--device", "nas", "--every", "1d", "--grace", "1y"], "--grace: duration must be like"),
            (["add", "x", "--device", "nas", "--every", "1d", "--cron", "0 3 * * *"], "give one of --every"),
            (["add", "x", "--device", "nas"], "give one of --every"),
            (["add", "backup", "--device", "nas", "--every", "1d"], "a job named backup already exists"),
            (["add", "Bad Name", "--device", "nas", "--every", "1d"], "invalid job name Bad Name"),
        ] {
            let r = try Self.cli(["job"] + args, data)
            #expect(
                r.status == 2 && r.err.split(separator: "\n").count == 1 && r.err.contains(message), "\(args): \(r)")
        }
        let removed = try Self.cli(["job", "remove", "sync"], data)
        #expect(removed.status == 0 && removed.out.contains("Removed job sync."))
        #expect(try Self.cli(["job", "remove", "sync"], data).status == 3)
        #expect(try Self.cli(["job", "list"], data).out.split(separator: "\n").count == 1)
    }

    @Test func curlPingsAreStoredAsTheJobsEvents() throws {
        let (data, collector, base) = try Self.oneJob("job-ping")
        defer { try? FileManager.default.removeItem(atPath: data) }
        defer { collector.stop() }
        #expect(try Curl.request("GET", "\(base)/start").status == 200)
        let end = try Binaries.run(
            "/usr/bin/curl",
            ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "--data-binary", "disk full", "\(base)/3"])
        #expect(end.out == "200", "\(end)")
        #expect(try Curl.request("GET", "\(base)/256").status == 400)
        #expect(try Curl.request("GET", "\(base)/start?rid=a%20b").status == 400)
        #expect(try Curl.request("POST", "\(collector.url)/ping/job/dtm_unknown").status == 404)
        let log = try Curl.get("\(collector.url)/api/v1/devices/nas/events", as: EventList.self).events
        let jobs = log.filter { $0.kind == .jobStart || $0.kind == .jobEnd }
        #expect(jobs.count == 2, "\(log)")
        guard case .jobStart(let start)? = jobs.first(where: { $0.kind == .jobStart })?.payload,
            case .jobEnd(let e)? = jobs.first(where: { $0.kind == .jobEnd })?.payload
        else {
            Issue.record("no start and end: \(jobs)")
            return
        }
        #expect(start.name == "backup" && e.rid == start.rid && e.exitCode == 3 && e.output == "disk full")
        #expect(jobs.allSatisfy { $0.bootID == nil })
    }
}
