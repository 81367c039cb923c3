import DowntimeProtocol
import Foundation
import Testing

/// Issue #28's digests with the real binaries and local receivers: `notify digest NAME` sends one now with the
/// figures the API shows, e-mail as text and valid HTML; a digest arrives at its time on the collector's (faked)
/// clock, and a collector restart across the next one sends it once.
@Suite(.serialized) struct DigestEndToEndTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures").path

    /// The digests' `message` fields received so far, in order.
    static func digests(_ receiver: WebhookReceiver) -> [(title: String, message: String)] {
        receiver.lines.compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                object["event"] as? String == "digest"
            else { return nil }
            return (object["title"] as? String ?? "", object["message"] as? String ?? "")
        }
    }

    /// "27s", "3m 20s": as `Durations.text` says it.
    static func duration(_ s: Double) -> String {
        let n = Int(s.rounded())
        return n < 60 ? "\(n)s" : "\(n / 60)m \(n % 60)s"
    }

    /// A local SMTP sink (Tests/fixtures/smtp_sink.py) writing each message to `folder`; stopped by `stop`.
    final class SMTPSink {
        let process = Process()
        let stdin = Pipe()
        let port = freeLoopbackPort()

        init(folder: String) throws {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", DigestEndToEndTests.fixtures + "/smtp_sink.py", String(port), folder]
            let out = Pipe()
            process.standardInput = stdin
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            _ = out.fileHandleForReading.availableData // "ready"
        }

        func stop() {
            try? stdin.fileHandleForWriting.close()
            process.waitUntilExit()
        }
    }

    @Test func notifyDigestSendsOneNowWithTheFiguresAndMailHasValidHTML() throws {
        let data = try Binaries.tempDir("digest-now")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let add = try Binaries.run("downtime-collector", ["device", "add", "pi-a", "--data-dir", data])
        let token = String(add.out.split(separator: "\n").last ?? "")
        let receiver = try WebhookReceiver()
        let sink = try SMTPSink(folder: data + "/mail")
        defer { sink.stop() }
        let notify =
            "hook=webhook http://127.0.0.1:\(receiver.port)/hook digest=daily@08:00;"
            + "mail=email smtp://127.0.0.1:\(sink.port) from=dt@lan to=me@lan starttls=no digest=weekly@mon08:00"
        let env = [
            "DOWNTIME_NOTIFY": notify, "DOWNTIME_MISSES": "2", "DOWNTIME_GRACE": "1", "DOWNTIME_TIMEZONE": "UTC",
        ]
        let collector = try CollectorProcess(dataDir: data, env: env)
        defer { collector.stop() }
        let sandbox = try AgentSandbox()
        defer { sandbox.remove() }
        _ = try sandbox.boot(uptime: 1000)
        var agent = try AgentProcess(collector: collector.url, device: "pi-a", token: token, sandbox: sandbox)
        defer { agent.stop(SIGKILL) }
        func view() throws -> DeviceView { try Curl.get("\(collector.url)/api/v1/devices/pi-a", as: DeviceView.self) }
        eventually(10, "pi-a up") { try view().status == .up }
        agent.stop(SIGKILL)
        eventually(10, "pi-a down") { try view().status == .down }
        agent = try AgentProcess(collector: collector.url, device: "pi-a", token: token, sandbox: sandbox)
        eventually(10, "pi-a up again") { try view().status == .up && view().lastOutage != nil }
        let outage = try #require(try view().lastOutage)

        let list = try Binaries.run("downtime-collector", ["notify", "list", "--data-dir", data], env: env)
        #expect(
            list.out.contains("\tdigest daily@08:00") && list.out.contains("\tdigest weekly@mon08:00"), "\(list.out)")
        let sent = try Binaries.run("downtime-collector", ["notify", "digest", "hook", "--data-dir", data], env: env)
        #expect(sent.status == 0, "\(sent.out) \(sent.err)")
        eventually(10, "the digest") { !Self.digests(receiver).isEmpty }
        let digest = try #require(Self.digests(receiver).first)
        #expect(digest.title.hasPrefix("Daily digest to ") && digest.title.hasSuffix(" UTC"), "\(digest.title)")
        let d = Self.duration(outage.durationS)
        #expect(digest.message.contains("Devices (1):\n  pi-a  "), "\(digest.message)")
        #expect(digest.message.contains("1 outage, \(d) total, longest \(d) ("), "\(d) in \(digest.message)")
        #expect(digest.message.contains("Down now (0):\n  none"), "\(digest.message)")
        #expect(digest.message.contains("Fleet uptime: "), "\(digest.message)")
        // One now, not the schedule's: the collector itself sent none.
        #expect(Self.digests(receiver).count == 1)

        let mailed = try Binaries.run("downtime-collector", ["notify", "digest", "mail", "--data-dir", data], env: env)
        #expect(mailed.status == 0, "\(mailed.out) \(mailed.err)")
        let check = try Binaries.run(
            "/usr/bin/env",
            [
                "python3", "-c",
                """
                import email, glob, sys
                mails = [email.message_from_bytes(open(f, 'rb').read().split(b'\\n\\n', 1)[1])
                         for f in glob.glob(sys.argv[1] + '/*.eml')]
                digests = [m for m in mails if 'Weekly digest' in m['Subject']]
                assert len(digests) == 1, [m['Subject'] for m in mails]
                m = digests[0]
                assert m.get_content_type() == 'multipart/alternative', m.get_content_type()
                parts = [p.get_content_type() for p in m.get_payload()]
                assert parts == ['text/plain', 'text/html'], parts
                assert 'Weekly digest' in m['Subject'], m['Subject']
                text = m.get_payload()[0].get_payload(decode=True).decode()
                assert 'pi-a' in text and 'Fleet uptime' in text, text
                html = m.get_payload()[1].get_payload(decode=True)
                assert b'<table' in html and b'pi-a' in html and b'<img' not in html, html
                open(sys.argv[2], 'wb').write(html)
                """,
                data + "/mail", data + "/digest.html",
            ])
        #expect(check.status == 0, "\(check.out) \(check.err)")
        let valid = try Binaries.run(
            "/usr/bin/env", ["python3", Self.fixtures + "/check_html.py", data + "/digest.html"])
        #expect(valid.status == 0, "\(valid.out) \(valid.err)")

        let unknown = try Binaries.run(
            "downtime-collector", ["notify", "digest", "pager", "--data-dir", data], env: env)
        // Exit 3, as for every named thing that does not exist (`notify test` too).
        #expect(unknown.status == 3 && unknown.err.split(separator: "\n").count == 1, "\(unknown.err)")
        #expect(unknown.err.contains("no channel named pager"))
        let bad = ["DOWNTIME_NOTIFY": "hook=webhook http://127.0.0.1:9/ digest=daily@25:00"]
        for args in [["notify", "list"], ["serve", "--port", "0"]] {
            let refused = try Binaries.run("downtime-collector", args + ["--data-dir", data], env: bad)
            #expect(refused.status == 2 && refused.err.split(separator: "\n").count == 1, "\(refused.err)")
            #expect(refused.err.contains("hook: digest must be daily@HH:MM"), "\(refused.err)")
        }
    }

    /// The collector's clock is only ever stepped forward, and by a minute or two: a digest a minute ahead (channel
    /// `hook`), and another a minute later (`later`) whose time passes while the collector is killed.
    @Test func aDigestArrivesAtItsTimeAndARestartAcrossTheNextSendsItOnce() throws {
        let data = try Binaries.tempDir("digest-time")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let receiver = try WebhookReceiver()
        let later = try WebhookReceiver()
        let real = Date().timeIntervalSince1970
        let slot = ((real + 75) / 60).rounded(.up) * 60
        let offsetFile = data + "/faketime"
        try CollectorClockEndToEndTests.setOffset(offsetFile, String(format: "%+d", Int(slot - real - 15)))
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "HH:mm"
        func at(_ t: Double) -> String { formatter.string(from: Date(timeIntervalSince1970: t)) }
        let env = [
            "DOWNTIME_NOTIFY": "hook=webhook http://127.0.0.1:\(receiver.port)/ digest=daily@\(at(slot));"
                + "later=webhook http://127.0.0.1:\(later.port)/ digest=daily@\(at(slot + 60))",
            "DOWNTIME_TIMEZONE": "UTC",
        ]
        var collector = try CollectorClockEndToEndTests.fakedCollector(data, offsetFile: offsetFile, env: env)
        func title(_ t: Double) -> String {
            formatter.dateFormat = "yyyy-MM-dd HH:mm"
            defer { formatter.dateFormat = "HH:mm" }
            return "Daily digest to \(formatter.string(from: Date(timeIntervalSince1970: t))) UTC"
        }

        Thread.sleep(forTimeInterval: 5)
        #expect(Self.digests(receiver).isEmpty, "none before its time")
        eventually(30, "the digest at its time") { !Self.digests(receiver).isEmpty }
        #expect(
            Self.digests(receiver).map(\.title) == [title(slot)],
            "\(collector.output.split(separator: "\n").filter { $0.contains("digest") || $0.contains("error") })")
        let first = Self.digests(receiver).first?.message ?? ""
        #expect(first.hasPrefix("DowntimeMon daily digest, "), "\(first)")
        #expect(first.contains("Devices (0):") && first.contains("Down now (0):"), "\(first)")

        // Killed before `later`'s time, started 5 s after it: sent once, at the start.
        collector.stop(SIGKILL)
        #expect(Self.digests(later).isEmpty)
        try CollectorClockEndToEndTests.setOffset(
            offsetFile, String(format: "%+d", Int(slot + 65 - Date().timeIntervalSince1970)))
        collector = try CollectorClockEndToEndTests.fakedCollector(data, offsetFile: offsetFile, env: env)
        eventually(15, "the digest due while the collector was away") { Self.digests(later).count == 1 }
        // And a restart after it sends nothing more.
        collector.stop()
        collector = try CollectorClockEndToEndTests.fakedCollector(data, offsetFile: offsetFile, env: env)
        defer { collector.stop() }
        Thread.sleep(forTimeInterval: 4)
        #expect(Self.digests(receiver).map(\.title) == [title(slot)])
        #expect(Self.digests(later).map(\.title) == [title(slot + 60)], "\(collector.output)")
    }

    /// The collector's clock a day ahead and back (libfaketime, forward and back to real time): the day it skipped
    /// sends its digest at once, and back on the real clock the record returns to today's slot, so the next step
    /// ahead (the real next day, in short) is a digest again instead of being taken as sent.
    @Test func aDayAheadSendsItsDigestAndBackTheRecordReturns() throws {
        let data = try Binaries.tempDir("digest-step")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let receiver = try WebhookReceiver()
        let offsetFile = data + "/faketime"
        try CollectorClockEndToEndTests.setOffset(offsetFile, "+0")
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "HH:mm"
        // Today's slot an hour ago: the first tick records it as the baseline.
        let env = [
            "DOWNTIME_NOTIFY": "hook=webhook http://127.0.0.1:\(receiver.port)/ digest=daily@"
                + formatter.string(from: Date() - 3600),
            "DOWNTIME_TIMEZONE": "UTC",
        ]
        let collector = try CollectorClockEndToEndTests.fakedCollector(data, offsetFile: offsetFile, env: env)
        defer {
            try? CollectorClockEndToEndTests.setOffset(offsetFile, "+0")
            collector.stop()
        }
        Thread.sleep(forTimeInterval: 4)
        #expect(Self.digests(receiver).isEmpty, "the baseline sends nothing")
        try CollectorClockEndToEndTests.setOffset(offsetFile, "+1d")
        eventually(20, "the digest of the day ahead") { Self.digests(receiver).count == 1 }
        try CollectorClockEndToEndTests.setOffset(offsetFile, "+0")
        eventually(20, "the record back to today's slot") {
            collector.output.contains("the slot recorded was ahead of the clock")
        }
        #expect(Self.digests(receiver).count == 1, "nothing sent on the way back")
        try CollectorClockEndToEndTests.setOffset(offsetFile, "+1d")
        eventually(20, "the day ahead again: a digest again") { Self.digests(receiver).count == 2 }
        try CollectorClockEndToEndTests.setOffset(offsetFile, "+0")
    }
}
