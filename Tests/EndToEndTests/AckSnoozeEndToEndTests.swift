import DowntimeProtocol
import Foundation
import Testing

/// Issue #28's acknowledge and snooze with the real binaries: the down message's `/ack/` link (its POST) and
/// `device ack` stop the reminders, a snoozed device sends nothing, and all of it survives a collector restart.
@Suite(.serialized) struct AckSnoozeEndToEndTests {
    @Test func theLinkAndDeviceAckStopRemindersAndASnoozedDeviceSendsNothing() throws {
        let data = try Binaries.tempDir("ack")
        defer { try? FileManager.default.removeItem(atPath: data) }
        func cli(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
            try Binaries.run("downtime-collector", args + ["--data-dir", data])
        }
        var tokens: [String: String] = [:]
        for name in ["pi-shed", "pi-nas", "pi-idle"] {
            tokens[name] = String(try cli(["device", "add", name]).out.split(separator: "\n").last ?? "")
        }
        let receiver = try WebhookReceiver()
        let env = [
            "DOWNTIME_NOTIFY": "hook=webhook http://127.0.0.1:\(receiver.port)/hook remind=5s", "DOWNTIME_MISSES": "2",
            "DOWNTIME_GRACE": "1", "DOWNTIME_NOTIFY_SETTLE": "1", "DOWNTIME_NOTIFY_DAMP_MINUTES": "0",
        ]
        var collector = try CollectorProcess(dataDir: data, env: env)
        defer { collector.stop() }
        let agents = try AgentFleet(["pi-shed", "pi-nas"], collector: collector.url, tokens: tokens)
        defer { agents.killAll() } // also keeps the fleet alive to the end of the test
        func view(_ name: String) throws -> DeviceView {
            try Curl.get("\(collector.url)/api/v1/devices/\(name)", as: DeviceView.self)
        }
        func about(_ name: String) -> [String] { receiver.lines.filter { $0.contains("\"device\":\"\(name)\"") } }
        func reminders(_ name: String) -> [String] { about(name).filter { $0.contains("\"event\":\"reminder\"") } }
        eventually(10, "both up") { try view("pi-shed").status == .up && view("pi-nas").status == .up }

        // pi-nas snoozed for an hour (the CLI beside the running collector), pi-shed critical.
        let snooze = try cli(["device", "snooze", "pi-nas", "1h"])
        #expect(snooze.status == 0 && snooze.out.contains("pi-nas is snoozed until "), "\(snooze)")
        #expect(try cli(["device", "critical", "pi-shed"]).status == 0)
        #expect(try view("pi-nas").snoozedUntil != nil)
        #expect(try view("pi-shed").critical)
        // Its "new" message went out before the snooze; nothing after it.
        Thread.sleep(forTimeInterval: 1.5)
        let nasBefore = about("pi-nas").count

        agents.killAll()
        eventually(10, "both down") { try view("pi-shed").status == .down && view("pi-nas").status == .down }
        eventually(25, "pi-shed's down and two reminders") { reminders("pi-shed").count >= 2 }
        let down = about("pi-shed").first { $0.contains("\"event\":\"down\"") } ?? ""
        #expect(down.contains("\"critical\":true"), "\(down)")
        let found = down.range(of: #"/ack/dtm_[A-Za-z0-9_-]+"#, options: .regularExpression).map { String(down[$0]) }
        let path = try #require(found, "no /ack/ link in \(down)")
        #expect(down.contains("Acknowledge: "), "\(down)")

        // The link's page changes nothing; its POST acknowledges, once.
        let page = try Curl.request("GET", collector.url + path)
        #expect(page.status == 200 && page.body.contains("acknowledge"), "\(page)")
        #expect(try view("pi-shed").acknowledged == nil)
        func post(_ path: String) throws -> Int {
            let r = try Binaries.run(
                "/usr/bin/curl",
                [
                    "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H", "Origin: \(collector.url)",
                    collector.url + path,
                ])
            return Int(r.out) ?? 0
        }
        #expect(try post(path) == 200)
        #expect(try post(path) == 410)
        #expect(try post("/ack/dtm_nosuchtoken") == 404)
        #expect(try view("pi-shed").acknowledged?.by == "link")
        // The device's log says who acknowledged, once.
        let log = try Curl.get("\(collector.url)/api/v1/devices/pi-shed/events?limit=500", as: EventList.self).events
        let acks = log.compactMap { if case .ack(let by, _) = $0.payload { by } else { nil } }
        #expect(acks == ["link"], "\(log.map(\.kind))")
        Thread.sleep(forTimeInterval: 1.5) // a tick that read the alerts before the POST
        let acked = reminders("pi-shed").count
        Thread.sleep(forTimeInterval: 7)
        #expect(reminders("pi-shed").count == acked, "reminded after the acknowledgement")

        // A restart keeps the acknowledgement and the snooze.
        collector.stop(SIGKILL)
        collector = try CollectorProcess(dataDir: data, env: env)
        Thread.sleep(forTimeInterval: 7)
        #expect(reminders("pi-shed").count == acked, "reminded after the restart")
        #expect(try view("pi-shed").acknowledged?.by == "link")
        #expect(try view("pi-nas").snoozedUntil != nil)
        #expect(about("pi-nas").count == nasBefore, "a snoozed device sent \(about("pi-nas"))")

        // Woken: pi-nas is reminded of; `device ack` stops that.
        #expect(try cli(["device", "snooze", "pi-nas", "--clear"]).status == 0)
        eventually(15, "pi-nas reminded of once woken") { !reminders("pi-nas").isEmpty }
        // A reminder tells an outage going on: it has its own link too.
        #expect(reminders("pi-nas").first?.contains("/ack/dtm_") == true, "\(reminders("pi-nas"))")
        let ack = try cli(["device", "ack", "pi-nas"])
        #expect(ack.status == 0, "\(ack)")
        #expect(try view("pi-nas").acknowledged?.by.hasSuffix("(CLI)") == true)
        Thread.sleep(forTimeInterval: 1.5)
        let nas = reminders("pi-nas").count
        Thread.sleep(forTimeInterval: 7)
        #expect(reminders("pi-nas").count == nas, "reminded after device ack")

        // Bad input: one line each, and the exit code.
        for (args, code, words) in [
            (["device", "ack", "pi-idle"], Int32(2), "pi-idle is not down"),
            (["device", "ack", "pi-gone"], Int32(3), "no device named pi-gone"),
            (["device", "snooze", "pi-shed", "soon"], Int32(2), "snooze for a duration"),
            (["device", "snooze", "pi-shed"], Int32(2), "snooze for a duration"),
            (["device", "critical", "pi-gone"], Int32(3), "no device named pi-gone"),
        ] {
            let r = try cli(args)
            #expect(r.status == code && r.err.contains(words), "\(args): \(r)")
            #expect(r.err.split(separator: "\n").count == 1, "\(args): \(r.err)")
        }
        collector.stop()
    }
}
