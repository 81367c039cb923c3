import DowntimeProtocol
import Foundation
import Glibc
import Testing

@testable import AgentCore

/// `StateFolder` alone, on a file system whose writes fail when told to.
@Suite struct StateFolderTests {
    final class Setup {
        let dir = TempDir()
        let fs = FaultyFileSystem()
        let lines = LogLines()
        let facts = FakeFacts()

        func folder(path: String? = nil) -> StateFolder {
            StateFolder(
                path: path ?? dir.path, device: "pi-1", retryInterval: 60, limits: OutboxLimits(), log: lines.log,
                fs: fs)
        }
        var now: BootSnapshot { facts.snapshot(bootID: facts.boot) }
        var state: AgentState {
            AgentState(bootID: facts.boot, lastAlive: facts.wall, lastAliveUptime: facts.boottime, clockSynced: true)
        }
        deinit { dir.cleanup() }
    }

    @Test func aHealthyFolderWritesTheStateAndTheOutboxAtOnce() throws {
        let s = Setup()
        let folder = s.folder()
        #expect(folder.persistDue(GapPolicy(interval: 10, persistInterval: 60), monotonic: s.facts.mono))
        folder.enqueue(.shutdown, at: s.now)
        folder.persist(s.state, at: s.now)
        #expect(StateFile(path: s.dir.file("state.json")).load() == .loaded(s.state))
        let event = try #require(Outbox(directory: s.dir.file("outbox")).entries.first?.event)
        #expect(event.device == "pi-1" && event.bootID == s.facts.boot && event.at == s.facts.wall)
        #expect(folder.isHealthy && folder.outbox.unsavedCount == 0)
        // Written just now: not due again before the persist interval (less half a tick) is over.
        #expect(!folder.persistDue(GapPolicy(interval: 10, persistInterval: 60), monotonic: s.facts.mono + 50))
        #expect(folder.persistDue(GapPolicy(interval: 10, persistInterval: 60), monotonic: s.facts.mono + 55))
    }

    @Test(arguments: [(EROFS, StorageState.readOnly), (ENOSPC, .full), (EIO, .ioError)])
    func aFailedWriteHoldsEverythingInMemoryAndIsReportedOnce(code: Int32, state: StorageState) {
        let s = Setup()
        let folder = s.folder()
        s.fs.fault = code
        folder.enqueue(.shutdown, at: s.now)
        folder.enqueue(.clockJump(deltaS: 5), at: s.now)
        folder.persist(s.state, at: s.now)
        #expect(!folder.isHealthy && folder.storage.problem?.state == state)
        // One storage event for the change, not one per failed write.
        #expect(
            folder.outbox.entries.map(\.event.payload) == [
                .shutdown, .storage(state: state, path: s.dir.path), .clockJump(deltaS: 5),
            ])
        #expect(folder.outbox.unsavedCount == 3)
        #expect(s.lines.lines.filter { $0.hasPrefix("<3>") }.count == 1)
        #expect(StateFile(path: s.dir.file("state.json")).load() == .missing)
        // While failing, the state write leaves the disk alone: the retry writes it.
        let touches = s.fs.failures
        folder.persist(s.state, at: s.now)
        #expect(s.fs.failures == touches)
    }

    @Test func theRetryWritesTheStateTheHeldEventsAndTheRestThenClears() throws {
        let s = Setup()
        let folder = s.folder()
        s.fs.fault = EROFS
        folder.enqueue(.shutdown, at: s.now)
        #expect(folder.storage.retryDue(monotonic: s.facts.mono + 60))
        // Still failing: nothing more is reported.
        folder.retry(s.state, at: s.now) { () throws(FileError) in Issue.record("not reached") }
        #expect(folder.outbox.count == 2)
        s.fs.fault = nil
        var more = 0
        // The small files are written last; one that fails keeps the folder failing.
        folder.retry(s.state, at: s.now) { () throws(FileError) in
            more += 1
            throw FileError("create", s.dir.file("token.tmp"), code: ENOSPC)
        }
        #expect(more == 1 && folder.storage.problem?.state == .full)
        folder.retry(s.state, at: s.now) { () throws(FileError) in
            try folder.writeLine("tok-1", to: "token")
        }
        #expect(folder.isHealthy && folder.outbox.unsavedCount == 0)
        #expect(folder.readLine("token") == "tok-1")
        #expect(StateFile(path: s.dir.file("state.json")).load() == .loaded(s.state))
        let kept = try Outbox(directory: s.dir.file("outbox")).entries.map(\.event.payload)
        #expect(
            kept == [
                .shutdown, .storage(state: .readOnly, path: s.dir.path), .storage(state: .full, path: s.dir.path),
                .storage(state: .ok, path: s.dir.path),
            ])
        #expect(s.lines.lines.contains { $0.contains("writable again") })
    }

    @Test func aFolderThatCannotBeCreatedIsReportedOnceTheBootIsKnown() {
        let s = Setup()
        s.fs.fault = EROFS
        let folder = s.folder(path: s.dir.file("not-yet"))
        #expect(folder.isHealthy && folder.outbox.isEmpty) // nothing known to report yet
        folder.reportOpenFailure(s.now)
        #expect(folder.storage.problem?.state == .readOnly)
        #expect(folder.outbox.entries.map(\.event.bootID) == [s.facts.boot])
        #expect(folder.readLine("token") == nil)
    }
}
