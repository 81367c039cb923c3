import CurlClient
import DowntimeProtocol
import Foundation
import Glibc
import Testing

@testable import AgentCore

/// The agent on a state folder whose writes fail (read-only, full, I/O error), injected at the FileSystem edge.
@Suite struct AgentStorageTests {
    static let faults: [(Int32, StorageState)] = [(EROFS, .readOnly), (ENOSPC, .full), (EIO, .ioError)]

    @Test(arguments: faults)
    func startedOnAFailingFolderItBeatsWarnsAndPersistsOnceTheFolderIsBack(code: Int32, state: StorageState) throws {
        let h = Harness()
        h.fs.fault = code
        let agent = try h.agent() // no exit: the folder's trouble is not a configuration error
        try agent.start()
        #expect(h.state() == .missing)
        #expect(h.lines.lines.contains { $0.contains("gap detection at the next boot needs it") })
        for _ in 0..<3 {
            h.facts.advance(10)
            agent.tick()
        }
        // The disk is touched once per persist interval, not on every tick.
        let touches = h.fs.failures
        for _ in 0..<2 {
            h.facts.advance(10)
            agent.tick()
        }
        #expect(h.fs.failures == touches)
        let beats = h.transport.heartbeats
        #expect(beats.count == 5)
        #expect(beats.allSatisfy { $0.storage?.state == state && $0.storage?.path == h.dir.path })
        #expect(beats.last?.storage?.since == FakeFacts().wall)
        // The events reached the collector from memory, the storage event among them.
        #expect(h.transport.sentEvents.map(\.payload).contains(.storage(state: state, path: h.dir.path)))
        #expect(agent.outbox.isEmpty)

        h.fs.fault = nil
        for _ in 0..<6 {
            h.facts.advance(10)
            agent.tick()
        }
        guard case .loaded(let saved) = h.state() else {
            Issue.record("state not persisted after the folder came back: \(h.state())")
            return
        }
        #expect(saved.bootID == h.facts.boot)
        #expect(h.transport.sentEvents.map(\.payload).last == .storage(state: .ok, path: h.dir.path))
        #expect(h.transport.heartbeats.last?.storage == nil)
        #expect(agent.folder.storage.isHealthy)

        // Gap detection works again: a power cut now is found at the next boot.
        h.facts.advance(30)
        h.facts.boot = "11111111-2222-3333-4444-555555555555"
        h.facts.boottime = 20
        let next = try h.agent()
        let decision = try next.start()
        #expect(decision.outage?.cause == .powerLoss)
    }

    @Test(arguments: faults)
    func eventsHeldInMemoryWhileTheFolderFailsAreWrittenWhenItIsBack(code: Int32, state: StorageState) throws {
        let h = Harness()
        // The collector takes beats but not events (a 503): they wait in the outbox.
        h.transport.respond = { r throws(CurlError) in
            r.path == "/api/v1/events" ? CurlResponse(status: 503, body: []) : try FakeTransport.acceptAll(r)
        }
        let agent = try h.agent()
        try agent.start()
        #expect(agent.outbox.count == 1) // agent_started, on disk
        h.fs.fault = code
        h.facts.advance(10)
        agent.tick()
        h.facts.wall += 3600 // a clock jump: one more event, now in memory only
        h.facts.advance(10)
        agent.tick()
        #expect(agent.outbox.unsavedCount == 2) // the storage event and the clock jump
        #expect(h.transport.heartbeats.last?.storage?.unsavedEvents == 2)
        #expect(h.transport.heartbeats.last?.storage?.state == state)

        h.fs.fault = nil
        for _ in 0..<6 {
            h.facts.advance(10)
            agent.tick()
        }
        #expect(agent.outbox.unsavedCount == 0)
        #expect(agent.folder.storage.isHealthy)
        // A restart finds every event on disk, in order.
        let again = try Outbox(directory: h.dir.file("outbox"))
        #expect(again.entries.map(\.event.kind) == [.agentStarted, .clockJump, .storage, .storage])
    }

    @Test func aFolderThatCannotEvenBeCreatedStillRunsAndIsOpenedLater() throws {
        let h = Harness()
        h.config.stateDir = h.dir.file("not-yet")
        h.fs.fault = EROFS
        let agent = try h.agent()
        try agent.start()
        h.facts.advance(10)
        agent.tick()
        #expect(h.transport.heartbeats.last?.storage?.state == .readOnly)
        h.fs.fault = nil
        for _ in 0..<6 {
            h.facts.advance(10)
            agent.tick()
        }
        #expect(agent.folder.storage.isHealthy)
        #expect(FileIO.exists(h.dir.file("not-yet/state.json")))
    }

    /// The collector came back while the folder failed: the old `unreachable_since` goes once the folder is
    /// writable, so a restart does not report a stale interval.
    @Test func anUnreachableMarkIsClearedWhenTheFolderComesBack() throws {
        let h = Harness()
        h.transport.respond = { _ throws(CurlError) in throw CurlError("Connection refused") }
        let agent = try h.agent()
        try agent.start()
        h.facts.advance(10)
        agent.tick()
        #expect(FileManager.default.fileExists(atPath: h.dir.file("unreachable_since")))
        h.fs.fault = EROFS
        h.transport.respond = FakeTransport.acceptAll
        h.facts.advance(10)
        agent.tick() // reachable again; the collector_unreachable event cannot be spooled on disk
        #expect(agent.reachability.since == nil)
        #expect(FileManager.default.fileExists(atPath: h.dir.file("unreachable_since")))
        h.fs.fault = nil
        for _ in 0..<7 {
            h.facts.advance(10)
            agent.tick()
        }
        #expect(agent.folder.storage.isHealthy)
        #expect(!FileManager.default.fileExists(atPath: h.dir.file("unreachable_since")))
        #expect(h.transport.sentEvents.contains { $0.kind == .collectorUnreachable })
    }

    @Test func memoryIsBoundedByTheOutboxLimits() throws {
        let h = Harness(limits: OutboxLimits(maxCount: 5, maxBytes: 1 << 20))
        h.transport.respond = { _ throws(CurlError) in throw CurlError("Connection refused") }
        h.fs.fault = ENOSPC
        let agent = try h.agent()
        try agent.start()
        for _ in 0..<20 {
            h.facts.wall += 100 // a clock jump every tick: an event each
            h.facts.advance(10)
            agent.tick()
        }
        #expect(agent.outbox.count <= 5)
        #expect(agent.outbox.entries.contains { $0.event.kind == .outboxDropped })
    }

    @Test func anOlderCollectorRefusingTheStorageFieldGetsBeatsWithoutIt() throws {
        let h = Harness()
        h.transport.respond = { r throws(CurlError) in
            if r.path == "/api/v1/heartbeat", String(decoding: r.body, as: UTF8.self).contains("\"storage\"") {
                return CurlResponse(status: 400, body: Array(#"{"error":"unknown field","field":"storage"}"#.utf8))
            }
            return try FakeTransport.acceptAll(r)
        }
        h.fs.fault = EROFS
        let agent = try h.agent()
        try agent.start()
        for _ in 0..<3 {
            h.facts.advance(10)
            agent.tick()
        }
        let statuses = h.transport.requests.filter { $0.path == "/api/v1/heartbeat" }.map(\.status)
        // One refusal, then every beat accepted without the field.
        #expect(statuses == [400, 200, 200, 200])
        #expect(h.lines.lines.filter { $0.contains("does not know the heartbeat's storage field") }.count == 1)
    }
}
