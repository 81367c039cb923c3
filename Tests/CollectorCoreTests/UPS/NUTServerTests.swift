import CollectorCore
import Foundation
import Logging
import Synchronization
import Testing

@testable import CollectorRules

/// Log lines kept for the test to count.
final class LogLines: LogHandler, @unchecked Sendable {
    let lines = Mutex<[String]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        lines.withLock { $0.append("\(event.level) \(event.message)") }
    }
    var all: [String] { lines.withLock { $0 } }
    var logger: Logger { Logger(label: "test") { _ in self } }
}

/// The events a monitor handed over.
actor EventLog {
    var events: [UPSEvent] = []
    func add(_ e: UPSEvent) { events.append(e) }
    var kinds: [UPSEvent.Kind] { events.map(\.kind) }
}

@Suite(.serialized) struct NUTServerTests {
    /// Waits (bounded) until `done` holds; the test fails if it never does. dummy-ups rereads its file every
    /// few seconds: 45 s leaves room for a loaded machine (a CI build beside it took over 15).
    func eventually(_ what: String, within seconds: Double = 45, _ done: @Sendable () async -> Bool) async throws {
        let end = Date() + seconds
        while Date() < end {
            if await done() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("timed out waiting for \(what)")
        throw CancellationError()
    }

    /// Runs `body` with a monitor of the fixture's UPS, cancelled at its end.
    func withMonitor(
        _ nut: NUTFixture, user: String? = "mon", password: String? = "secret", log: LogLines,
        events: EventLog, _ body: () async throws -> Void
    ) async throws {
        let spec = NUTServerSpec(host: "127.0.0.1", port: nut.port, ups: [nut.ups], user: user, password: password)
        let monitor = UPSMonitor(servers: [spec], interval: 0.3, backoff: [0.2, 0.4], logger: log.logger) {
            await events.add($0)
        }
        let task = Task { try await monitor.run() }
        defer { task.cancel() }
        try await body()
    }

    @Test func eachTransitionOfARealUpsdIsSeenOnceWithItsCharge() async throws {
        let nut = try NUTFixture()
        defer { nut.stop() }
        try await nut.start()
        let log = LogLines()
        let events = EventLog()
        try await withMonitor(nut, log: log, events: events) {
            try await Task.sleep(for: .seconds(1)) // a few polls of OL: nothing to say
            #expect(await events.kinds.isEmpty)
            try nut.setStatus("OB DISCHRG", charge: 73, runtime: 1260)
            try await eventually("mains out") { await events.kinds == [.mainsOut] }
            try nut.setStatus("OB LB", charge: 9, runtime: 120)
            try await eventually("low battery") { await events.kinds == [.mainsOut, .lowBattery] }
            try nut.setStatus("OL CHRG", charge: 12, runtime: 200)
            try await eventually("mains back") { await events.kinds == [.mainsOut, .lowBattery, .mainsBack] }
            try await Task.sleep(for: .seconds(3)) // polls go on: nothing is said twice
        }
        let got = await events.events
        #expect(got.map(\.kind) == [.mainsOut, .lowBattery, .mainsBack])
        #expect(got.map { $0.reading?.charge } == [73, 9, 12])
        #expect(got.allSatisfy { $0.ups == "myups@127.0.0.1:\(nut.port)" })
        #expect(got.first?.summary == "mains out; UPS on battery, 73 %, 21 min left")
        #expect(log.all.filter { $0.contains("mains out; UPS on battery, 73 %") }.count == 1)
        #expect(log.all.count == 3, "\(log.all)")
    }

    @Test func aWrongPasswordIsSaidOnceAndRetriedWhileAnotherMonitorReads() async throws {
        let nut = try NUTFixture()
        defer { nut.stop() }
        try await nut.start()
        let badLog = LogLines()
        let badEvents = EventLog()
        let goodLog = LogLines()
        let goodEvents = EventLog()
        try await withMonitor(nut, password: "wrong", log: badLog, events: badEvents) {
            try await withMonitor(nut, log: goodLog, events: goodEvents) {
                try await eventually("the refused login") { await badEvents.kinds == [.commsLost] }
                try nut.setStatus("OB DISCHRG", charge: 80, runtime: 1500)
                try await eventually("mains out on the good monitor") { await goodEvents.kinds == [.mainsOut] }
                #expect(badLog.all.count == 1, "\(badLog.all)")
                #expect(badLog.all.first?.contains("ACCESS-DENIED") == true)
                #expect(badLog.all.first?.contains("retrying with backoff") == true)
                // The password becomes right: the retries get in, and tell what happened meanwhile.
                try nut.setUsers(["mon": "wrong"])
                nut.reloadUpsd()
                try await eventually("the retried login") {
                    await badEvents.kinds == [.commsLost, .commsBack, .mainsOut]
                }
            }
        }
        #expect(badLog.all.count == 3, "\(badLog.all)")
        #expect(goodLog.all.count == 1, "\(goodLog.all)")
    }

    @Test func aServerThatDiesIsSaidOnceAndFollowedAgainWhenItIsBack() async throws {
        let nut = try NUTFixture()
        defer { nut.stop() }
        try await nut.start()
        let log = LogLines()
        let events = EventLog()
        try await withMonitor(nut, user: nil, password: nil, log: log, events: events) {
            try await Task.sleep(for: .seconds(1))
            await nut.killUpsd()
            try await eventually("comms lost") { await events.kinds == [.commsLost] }
            try await Task.sleep(for: .seconds(2)) // several retries, each refused
            #expect(log.all.count == 1, "\(log.all)")
            #expect(
                log.all.first?.contains("cannot connect to 127.0.0.1:\(nut.port): Connection refused") == true,
                "\(log.all)")
            try await nut.start()
            try await eventually("comms back") { await events.kinds == [.commsLost, .commsBack] }
        }
        #expect(log.all.count == 2, "\(log.all)")
    }

    @Test func aBadAddressIsSaidOnce() async throws {
        let log = LogLines()
        let events = EventLog()
        let spec = NUTServerSpec(host: "no-such-host.invalid", ups: ["myups"])
        let monitor = UPSMonitor(servers: [spec], interval: 0.2, backoff: [0.1], logger: log.logger) {
            await events.add($0)
        }
        let task = Task { try await monitor.run() }
        try await eventually("comms lost") { await events.kinds == [.commsLost] }
        try await Task.sleep(for: .seconds(1))
        task.cancel()
        #expect(log.all.count == 1 && log.all[0].contains("cannot resolve no-such-host.invalid"), "\(log.all)")
    }
}
