import DowntimeProtocol
import Foundation
import Testing

/// The collector's data folder on a small tmpfs filled to the last byte under a stream of events.
@Suite(.serialized) struct CollectorFullDiskTests {
    /// One request by curl: status, Retry-After, body.
    static func post(_ url: String, _ json: String, token: String) throws
        -> (status: Int, retryAfter: String?, body: String)
    {
        let r = try Binaries.run(
            "/usr/bin/curl",
            [
                "-sS", "-i", "-X", "POST", url,
                "-H", "Authorization: Bearer \(token)",
                "-H", "Content-Type: application/json", "--data-binary", json,
            ])
        let parts = r.out.components(separatedBy: "\r\n\r\n")
        let head = parts.first ?? ""
        let lines = head.components(separatedBy: "\r\n")
        let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        let retry = lines.first { $0.lowercased().hasPrefix("retry-after:") }.map {
            String($0.dropFirst("retry-after:".count)).trimmingCharacters(in: .whitespaces)
        }
        return (status, retry, parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    static func batch(_ device: String, _ ids: [UUID]) -> String {
        let version = String(repeating: "v", count: 60)
        let events = ids.map {
            "{\"id\":\"\($0.uuidString.lowercased())\",\"device\":\"\(device)\",\"kind\":\"agent_started\","
                + "\"at\":\"\(WireTime.format(Date()))\",\"boot_id\":\"\(bootA)\",\"agent_version\":\"\(version)\"}"
        }
        return "{\"events\":[\(events.joined(separator: ","))]}"
    }

    static let bootA = "0b5d7a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"

    static func heartbeat(_ device: String, seq: Int) -> String {
        "{\"device\":\"\(device)\",\"seq\":\(seq),\"boot_id\":\"\(bootA)\",\"uptime_s\":100,"
            + "\"sent_at\":\"\(WireTime.format(Date()))\",\"clock_synced\":true,\"interval_s\":1,"
            + "\"agent_version\":\"e2e\"}"
    }

    /// Fills the file system holding `path` with one file, down to the last byte it takes.
    static func fill(_ path: String) -> Int {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { return -1 }
        defer { close(fd) }
        var total = 0
        for size in [65_536, 4096, 1] {
            let chunk = [UInt8](repeating: 0, count: size)
            while true {
                let n = chunk.withUnsafeBytes { write(fd, $0.baseAddress, size) }
                if n <= 0 { break }
                total += n
            }
        }
        return total
    }

    @Test func aFullDataFolderAnswers503WithRetryAfterLosesNothingAndRecovers() throws {
        let mnt = try Binaries.tempDir("collector-full")
        // Room for SQLite's write-ahead log to grow to its checkpoint size (1,000 pages) once space is freed.
        let mount = try Binaries.run("/bin/mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", mnt])
        // Root can mount; a machine where the test cannot is a failure, never a skip.
        try #require(mount.status == 0, "cannot mount a tmpfs on \(mnt): \(mount.err)")
        defer {
            _ = try? Binaries.run("/bin/umount", ["-l", mnt])
            try? FileManager.default.removeItem(atPath: mnt)
        }
        let data = mnt + "/data"
        let add = try Binaries.run("downtime-collector", ["device", "add", "pi-full", "--data-dir", data])
        try #require(add.status == 0, "\(add.err)")
        let token = String(add.out.split(separator: "\n").last ?? "")
        let collector = try CollectorProcess(dataDir: data)
        defer { collector.stop() }
        let pid = collector.process.processIdentifier

        var acked = Set<String>()
        var answers: [Int: Int] = [:]
        var wrong: [String] = []
        var seq = 0
        /// One batch and one heartbeat; every answer must be 200, or 503 with Retry-After.
        func round() throws -> Int {
            let ids = (0..<20).map { _ in UUID() }
            let r = try Self.post("\(collector.url)/api/v1/events", Self.batch("pi-full", ids), token: token)
            answers[r.status, default: 0] += 1
            if r.status == 200 {
                let reply = try WireCoding.decode(EventBatchReply.self, from: Array(r.body.utf8))
                acked.formUnion(reply.accepted.map { $0.uuidString.lowercased() })
            } else if r.status != 503 || r.retryAfter == nil {
                wrong.append("events: \(r.status) retry-after \(r.retryAfter ?? "none") \(r.body)")
            }
            seq += 1
            let hb = try Self.post(
                "\(collector.url)/api/v1/heartbeat", Self.heartbeat("pi-full", seq: seq),
                token: token)
            if hb.status != 200, hb.status != 503 || hb.retryAfter == nil {
                wrong.append("heartbeat: \(hb.status) retry-after \(hb.retryAfter ?? "none") \(hb.body)")
            }
            return r.status
        }

        for _ in 0..<20 { #expect(try round() == 200) }
        let filler = mnt + "/filler"
        let filled = Self.fill(filler)
        #expect(filled > 0)
        var seen503 = 0
        for _ in 0..<300 where seen503 < 15 {
            if try round() == 503 { seen503 += 1 }
        }
        #expect(seen503 >= 15, "no store failure seen on a full disk: \(answers)")
        let failing = try Curl.get("\(collector.url)/api/v1/collector", as: CollectorStateJSON.self)
        #expect(!failing.storeOK && failing.storeFault != nil, "\(failing.records.map(\.detail))")
        let metrics = try Curl.request("GET", "\(collector.url)/metrics").body
        #expect(metrics.contains("downtime_collector_store_failing{fault=\"\(failing.storeFault ?? "")\"} 1"))
        #expect(try Curl.request("GET", "\(collector.url)/").body.contains("Collector store failing"))
        // Issue #35: the same health answers as for a database away.
        let health = try Curl.request("GET", "\(collector.url)/healthz")
        #expect(health.status == 503 && health.body.contains("\"store_fault\""), "\(health.status) \(health.body)")
        #expect(metrics.contains("\ndowntime_store_up 0\n"))

        // Space freed: the same process takes events again, and says so once.
        try FileManager.default.removeItem(atPath: filler)
        eventually(30, "the store recovered") {
            _ = try round()
            return try Curl.get("\(collector.url)/api/v1/collector", as: CollectorStateJSON.self).storeOK
        }
        for _ in 0..<10 { #expect(try round() == 200) }
        #expect(try Curl.request("GET", "\(collector.url)/healthz").status == 200)
        #expect(collector.process.isRunning && collector.process.processIdentifier == pid)
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")

        let out = collector.output
        #expect(out.components(separatedBy: "store failing (").count - 1 == 1, "\(out)")
        #expect(out.components(separatedBy: "store recovered after").count - 1 == 1, "\(out)")
        #expect(!out.contains("request failed") && !out.contains("background work failed"), "\(out)")
        collector.stop()

        // Every acknowledged event is in the store, and the store is sound.
        let db = data + "/downtime.sqlite"
        let check = try Binaries.run(
            "/usr/bin/python3",
            [
                "-c",
                """
                import sqlite3, sys
                c = sqlite3.connect(sys.argv[1])
                print(c.execute("PRAGMA integrity_check").fetchone()[0])
                for (i,) in c.execute("SELECT id FROM event WHERE kind = 'agent_started'"): print(i.lower())
                """, db,
            ])
        let lines = check.out.split(separator: "\n").map(String.init)
        #expect(lines.first == "ok", "\(check.out.prefix(300)) \(check.err)")
        let stored = Set(lines.dropFirst())
        #expect(
            !acked.isEmpty && acked.isSubset(of: stored),
            "\(acked.subtracting(stored).count) acknowledged events lost")
        print("full disk: \(answers), \(acked.count) acknowledged, \(stored.count) stored, filler \(filled) bytes")
    }
}
