import DowntimeProtocol
import Foundation
import Glibc
import Testing

@testable import AgentCore

/// `Reachability` alone, on a state folder in a temporary directory.
@Suite struct ReachabilityTests {
    final class Setup {
        let dir = TempDir()
        let fs = FaultyFileSystem()
        let lines = LogLines()
        let facts = FakeFacts()
        lazy var folder = StateFolder(
            path: dir.path, device: "pi-1", retryInterval: 60, limits: OutboxLimits(), log: lines.log, fs: fs)

        func reachability() -> Reachability { Reachability(folder: folder, log: lines.log) }
        var now: BootSnapshot { facts.snapshot(bootID: facts.boot) }
        var markExists: Bool { FileManager.default.fileExists(atPath: dir.file("unreachable_since")) }
        deinit { dir.cleanup() }
    }

    @Test func anIntervalIsKeptFromTheFirstFailureToTheAnswerAndSentOnce() throws {
        let s = Setup()
        let r = s.reachability()
        #expect(!r.regained(s.now)) // nothing to end
        let down = s.facts.wall
        r.lost(s.now, "Connection refused")
        #expect(r.since == down && s.markExists)
        s.facts.advance(30)
        r.lost(s.now, "Connection refused") // the same interval goes on
        #expect(r.since == down)
        #expect(s.lines.lines.filter { $0.contains("collector unreachable") }.count == 1)
        s.facts.advance(30)
        #expect(r.regained(s.now))
        #expect(r.since == nil && !s.markExists)
        let event = try #require(s.folder.outbox.entries.first?.event)
        #expect(event.payload == .collectorUnreachable(start: down, end: s.facts.wall))
        // Named by its start: spooled again after a crash, the collector stores it once.
        #expect(event.id == DerivedID.uuid("unreachable|pi-1|\(WireTime.format(down))"))
        #expect(s.lines.lines.contains { $0.contains("reachable again after 60 s") })
        #expect(!r.regained(s.now))
        #expect(s.folder.outbox.count == 1)
    }

    @Test func aRestartPicksUpTheOpenInterval() {
        let s = Setup()
        s.reachability().lost(s.now, "Connection refused")
        #expect(s.reachability().since == s.facts.wall)
        try? s.folder.writeLine("garbage", to: "unreachable_since")
        #expect(s.reachability().since == nil)
    }

    @Test func anIntervalBegunBeforeThePlausibleClockIsNotSent() {
        let s = Setup()
        s.facts.wall = Date(timeIntervalSince1970: 100)
        let r = s.reachability()
        r.lost(s.now, "Connection refused")
        s.facts.wall = Date(timeIntervalSince1970: 1_795_335_123)
        #expect(r.regained(s.now))
        #expect(s.folder.outbox.isEmpty && !s.markExists)
    }

    @Test func whileTheFolderFailsTheMarkIsLeftToItsRetry() throws {
        let s = Setup()
        s.fs.fault = EROFS
        s.folder.persist(
            AgentState(bootID: s.facts.boot, lastAlive: s.facts.wall, lastAliveUptime: 1, clockSynced: true),
            at: s.now)
        #expect(!s.folder.isHealthy)
        let r = s.reachability()
        r.lost(s.now, "Connection refused")
        #expect(!s.markExists && r.since != nil)
        s.fs.fault = nil
        try r.saveMark()
        #expect(s.markExists)
        s.fs.fault = EROFS
        #expect(r.regained(s.now))
        // The event is held in memory, and the mark stays until the folder takes its removal.
        #expect(s.markExists && s.folder.outbox.unsavedCount == 2)
        s.fs.fault = nil
        try r.saveMark()
        #expect(!s.markExists)
    }
}
