import CurlClient
import DowntimeProtocol
import Foundation
import Glibc
import Testing

@testable import AgentCore

/// `CollectorLink` alone: a state folder, a fake transport, no agent.
@Suite struct CollectorLinkTests {
    final class Setup {
        let dir = TempDir()
        let fs = FaultyFileSystem()
        let lines = LogLines()
        let facts = FakeFacts()
        let transport = FakeTransport()
        lazy var folder = StateFolder(
            path: dir.path, device: "pi-1", retryInterval: 60, limits: OutboxLimits(), log: lines.log, fs: fs)

        func link(token: String? = "tok-1", enrollmentKey: String? = nil) throws -> CollectorLink {
            try CollectorLink(
                token: token, enrollmentKey: enrollmentKey, transport: transport, folder: folder, log: lines.log,
                random: { 0.5 })
        }
        var now: BootSnapshot { facts.snapshot(bootID: facts.boot) }
        deinit { dir.cleanup() }
    }

    @Test func aBeatCarriesTheCountTheFolderWarningAndTheReading() throws {
        let s = Setup()
        let link = try s.link()
        let health = DeviceHealth(underVoltageNow: true, tempC: 51.5)
        #expect(link.heartbeat(s.now, interval: 10, health: health) == .accepted(interval: nil))
        s.fs.fault = EROFS
        s.folder.enqueue(.shutdown, at: s.now)
        s.facts.advance(10)
        #expect(link.heartbeat(s.now, interval: 10, health: nil) == .accepted(interval: nil))
        let beats = s.transport.heartbeats
        #expect(beats.map(\.seq) == [1, 2] && link.seq == 2)
        #expect(beats[0].health == health && beats[0].storage == nil && beats[0].intervalS == 10)
        #expect(beats[1].storage?.state == .readOnly && beats[1].storage?.unsavedEvents == 2)
        #expect(beats[1].device == "pi-1" && beats[1].bootID == s.facts.boot && beats[1].uptimeS == 1010)
        #expect(link.lastBeat == s.facts.mono)
        #expect(s.transport.requests.allSatisfy { $0.bearer == "tok-1" })
    }

    @Test func noBeatWithAnImplausibleClockOrWithoutAToken() throws {
        let s = Setup()
        s.facts.wall = Date(timeIntervalSince1970: 100)
        #expect(try s.link().heartbeat(s.now, interval: 10, health: nil) == .notSent)
        s.facts.wall = Date(timeIntervalSince1970: 1_795_335_123)
        #expect(try s.link(token: nil, enrollmentKey: "k").heartbeat(s.now, interval: 10, health: nil) == .notSent)
        #expect(s.transport.requests.isEmpty)
    }

    @Test func noAnswerIsUnansweredAndARefusalIsLoggedOnceUntilItGoes() throws {
        let s = Setup()
        let link = try s.link()
        s.transport.respond = { _ throws(CurlError) in throw CurlError("Connection refused") }
        #expect(link.heartbeat(s.now, interval: 10, health: nil) == .unanswered(why: "Connection refused"))
        #expect(link.lastBeat == -.infinity)
        s.transport.respond = { _ throws(CurlError) in
            CurlResponse(status: 401, body: Array(#"{"error":"bad token"}"#.utf8))
        }
        for _ in 0..<3 { #expect(link.heartbeat(s.now, interval: 10, health: nil) == .refused) }
        #expect(s.lines.lines.filter { $0 == "<3>heartbeat refused: HTTP 401 (bad token)" }.count == 1)
        s.transport.respond = FakeTransport.acceptAll
        #expect(link.heartbeat(s.now, interval: 10, health: nil) == .accepted(interval: nil))
        #expect(s.lines.lines.last == "<6>heartbeats accepted again")
    }

    /// The answer's interval_s, the interval now → what the collector asks for.
    @Test(arguments: [
        (#"{"server_time":"2026-11-22T08:12:03Z","interval_s":30}"#, 10.0, 30 as Int?),
        (#"{"server_time":"2026-11-22T08:12:03Z","interval_s":10}"#, 10.0, nil),
        (#"{"server_time":"2026-11-22T08:12:03Z","interval_s":0}"#, 10.0, nil),
        (#"{"server_time":"2026-11-22T08:12:03Z","interval_s":86401}"#, 10.0, nil),
        (#"{"server_time":"2026-11-22T08:12:03Z","interval_s":86400}"#, 10.0, 86_400),
        ("{}", 10.0, nil),
    ])
    func theIntervalAskedForIsTakenWhenValidAndNew(body: String, current: Double, asked: Int?) {
        #expect(
            CollectorLink.askedInterval(CurlResponse(status: 200, body: Array(body.utf8)), current: current) == asked)
    }

    @Test func aFieldAnOlderCollectorRefusesIsDroppedOnce() throws {
        let s = Setup()
        let link = try s.link()
        s.transport.respond = { r throws(CurlError) in
            let text = String(decoding: r.body, as: UTF8.self)
            if text.contains("\"health\"") {
                return CurlResponse(status: 400, body: Array(#"{"error":"unknown","field":"health.temp_c"}"#.utf8))
            }
            return try FakeTransport.acceptAll(r)
        }
        let health = DeviceHealth(tempC: 40)
        #expect(link.heartbeat(s.now, interval: 10, health: health) == .accepted(interval: nil))
        #expect(link.heartbeat(s.now, interval: 10, health: health) == .accepted(interval: nil))
        let statuses = s.transport.requests.map(\.status)
        #expect(statuses == [400, 200, 200])
        #expect(s.lines.lines.filter { $0.contains("refuses the heartbeat's health field") }.count == 1)
    }

    @Test func aTLSRefusalIsLoggedOncePerReason() throws {
        let s = Setup()
        let link = try s.link()
        s.transport.respond = { _ throws(CurlError) in throw CurlError("certificate expired", tls: .expired) }
        for _ in 0..<2 { _ = link.heartbeat(s.now, interval: 10, health: nil) }
        #expect(throws: CurlError.self) { try link.postEvents([], timeout: 2) }
        #expect(link.tlsProblem == .expired)
        #expect(s.lines.lines.filter { $0.hasPrefix("<3>TLS refused the collector") }.count == 1)
        s.transport.respond = FakeTransport.acceptAll
        _ = link.heartbeat(s.now, interval: 10, health: nil)
        #expect(link.tlsProblem == nil && s.lines.lines.last == "<5>TLS to the collector works again")
        let events = s.transport.requests.last { $0.path == "/api/v1/events" }
        #expect(events?.bearer == "tok-1" && events?.timeout == 2)
    }

    @Test func anEnrolledTokenIsStoredOrHeldUntilTheFolderTakesIt() throws {
        let s = Setup()
        #expect(throws: ConfigError.self) { try s.link(token: nil) }
        s.fs.fault = EROFS
        s.folder.persist(
            AgentState(bootID: s.facts.boot, lastAlive: s.facts.wall, lastAliveUptime: 1, clockSynced: true),
            at: s.now)
        let link = try s.link(token: nil, enrollmentKey: "site-key")
        link.enroll(s.now)
        #expect(link.token == "enrolled-token-123")
        #expect(s.folder.readLine("token") == nil)
        #expect(s.lines.lines.contains { $0.contains("token is in memory only") })
        s.fs.fault = nil
        try link.saveToken()
        #expect(s.folder.readLine("token") == "enrolled-token-123")
        // The next link reads it from the folder.
        #expect(try s.link(token: nil).token == "enrolled-token-123")
    }

    @Test func aRefusedEnrollmentBacksOff() throws {
        let s = Setup()
        s.transport.respond = { _ throws(CurlError) in CurlResponse(status: 403, body: Array(#"{"error":"no"}"#.utf8)) }
        let link = try s.link(token: nil, enrollmentKey: "wrong")
        link.enroll(s.now)
        s.facts.advance(0.5) // the first retry waits 1 s (±25 %)
        link.enroll(s.now)
        #expect(s.transport.requests.count == 1 && link.token == nil)
        s.facts.advance(1)
        link.enroll(s.now)
        #expect(s.transport.requests.count == 2)
        #expect(s.lines.lines.contains { $0.hasPrefix("<3>enrollment refused: HTTP 403 (no)") })
    }
}
