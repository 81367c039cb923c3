import DowntimeProtocol
import Foundation
import Testing

/// Issue #28's quiet hours with the real binaries and local receivers: a device down inside a channel's quiet hours
/// arrives once, in the summary at the window's end; a critical device's down arrives at once; a channel without
/// `quiet=` is unaffected; a collector killed and restarted inside the window loses and doubles nothing. The window is
/// chosen around the real clock (UTC), so no clock is stepped.
@Suite(.serialized) struct QuietHoursEndToEndTests {
    static func events(_ receiver: WebhookReceiver, _ kind: String, about device: String? = nil) -> [String] {
        receiver.lines.filter { line in
            line.contains("\"event\":\"\(kind)\"") && (device.map { line.contains("\"\($0)\"") } ?? true)
        }
    }

    @Test func aDownInsideQuietHoursArrivesOnceInTheSummaryAndACriticalOneAtOnce() throws {
        let data = try Binaries.tempDir("quiet")
        defer { try? FileManager.default.removeItem(atPath: data) }
        func cli(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
            try Binaries.run("downtime-collector", args + ["--data-dir", data])
        }
        var tokens: [String: String] = [:]
        for name in ["pi-shed", "freezer"] {
            tokens[name] = String(try cli(["device", "add", name]).out.split(separator: "\n").last ?? "")
        }
        #expect(try cli(["device", "critical", "freezer"]).status == 0)
        // The window began this minute and ends 60-120 s from now.
        let real = Date().timeIntervalSince1970
        let start = (real / 60).rounded(.down) * 60
        let end = ((real + 60) / 60).rounded(.up) * 60
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "HH:mm"
        func hm(_ t: Double) -> String { formatter.string(from: Date(timeIntervalSince1970: t)) }
        let quiet = try WebhookReceiver()
        let loud = try WebhookReceiver()
        let env = [
            "DOWNTIME_NOTIFY": "hook=webhook http://127.0.0.1:\(quiet.port)/hook quiet=\(hm(start))-\(hm(end));"
                + "loud=webhook http://127.0.0.1:\(loud.port)/loud",
            "DOWNTIME_MISSES": "2", "DOWNTIME_GRACE": "1", "DOWNTIME_NOTIFY_SETTLE": "1", "DOWNTIME_TIMEZONE": "UTC",
        ]
        let list = try Binaries.run("downtime-collector", ["notify", "list", "--data-dir", data], env: env)
        #expect(list.out.contains("\tquiet \(hm(start))-\(hm(end))"), "\(list.out)")
        var collector = try CollectorProcess(dataDir: data, env: env)
        defer { collector.stop() }
        let agents = try AgentFleet(["pi-shed", "freezer"], collector: collector.url, tokens: tokens)
        defer { agents.killAll() } // also keeps the fleet alive to the end of the test
        func view(_ name: String) throws -> DeviceView {
            try Curl.get("\(collector.url)/api/v1/devices/\(name)", as: DeviceView.self)
        }
        eventually(10, "both up") { try view("pi-shed").status == .up && view("freezer").status == .up }
        agents.killAll()
        eventually(10, "both down") { try view("pi-shed").status == .down && view("freezer").status == .down }

        // The channel without quiet hours: both downs. The quiet one: the critical freezer's only.
        eventually(20, "both downs on the loud channel") {
            Self.events(loud, "down", about: "pi-shed").count == 1
                && Self.events(loud, "down", about: "freezer").count == 1
        }
        eventually(5, "the critical down at once") { Self.events(quiet, "down", about: "freezer").count == 1 }
        #expect(Self.events(quiet, "down", about: "freezer").first?.contains("\"critical\":true") == true)
        #expect(Self.events(quiet, "down", about: "pi-shed").isEmpty)

        // Killed and restarted inside the window: the held down is not lost, nor told on its own.
        #expect(Date().timeIntervalSince1970 < end - 5, "the test ran past its window before the restart")
        collector.stop(SIGKILL)
        collector = try CollectorProcess(dataDir: data, env: env)
        Thread.sleep(forTimeInterval: 3)
        #expect(Self.events(quiet, "quiet").isEmpty, "a summary before the window's end")
        let wait = end - Date().timeIntervalSince1970 + 15
        eventually(wait, "the summary at the window's end") { !Self.events(quiet, "quiet").isEmpty }
        let summary = Self.events(quiet, "quiet").first ?? ""
        #expect(summary.contains("While quiet (\(hm(start))–\(hm(end)) UTC): "), "\(summary)")
        #expect(summary.contains("pi-shed still down since "), "\(summary)")
        #expect(summary.contains("freezer still down since "), "\(summary)")
        // Once, and never as its own down message; a restart after the end sends it no more.
        collector.stop()
        collector = try CollectorProcess(dataDir: data, env: env)
        Thread.sleep(forTimeInterval: 4)
        #expect(Self.events(quiet, "quiet").count == 1, "\(quiet.lines)")
        #expect(Self.events(quiet, "down", about: "pi-shed").isEmpty, "\(quiet.lines)")
        #expect(Self.events(loud, "quiet").isEmpty)
        #expect(Self.events(loud, "down", about: "pi-shed").count == 1)
    }
}
