import DowntimeProtocol
import Foundation
import Glibc
import Testing

@testable import AgentCore

private let boot = "0b5d7a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
private let t0 = Date(timeIntervalSince1970: 1_795_335_123)

private func event(_ payload: Event.Payload, at: Date = t0) -> Event {
    Event(device: "pi-1", at: at, bootID: boot, payload: payload)
}

private let outage = Event.Payload.outage(
    OutageReport(
        cause: .powerLoss, start: t0 - 60, end: t0, durationS: 60,
        precisionS: 60, clockSynced: true))

@Suite struct OutboxTests {
    @Test func eventsSurviveAReopenInOrder() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let box = try Outbox(directory: dir.file("outbox"))
        let events = [
            event(.agentStarted(agentVersion: "0.1.0")), event(outage), event(.clockJump(deltaS: 5)), event(.shutdown),
        ]
        for e in events { try box.enqueue(e, bootID: boot, uptime: 10) }
        // A new process (after kill -9) sees exactly the same events.
        let again = try Outbox(directory: dir.file("outbox"))
        #expect(again.entries.map(\.event) == events)
        #expect(again.bytes == box.bytes && again.bytes > 0)
        try again.remove(seqs: [again.entries[1].seq])
        let third = try Outbox(directory: dir.file("outbox"))
        #expect(third.entries.map(\.event.id) == [events[0].id, events[2].id, events[3].id])
        // New events go after the survivors, even after a restart.
        try third.enqueue(event(.shutdown), bootID: boot, uptime: 20)
        #expect(third.entries.last!.seq > third.entries[2].seq)
    }

    /// A disk failing under the outbox (EIO here): events are held in memory, sent ones leave memory at once,
    /// and `persistPending` makes the folder match memory again.
    @Test func aFailingDiskKeepsEventsInMemoryUntilPersistPending() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let fs = FaultyFileSystem()
        let limits = OutboxLimits(maxCount: 3, maxBytes: 1 << 20)
        let box = try Outbox(directory: dir.file("outbox"), limits: limits, fs: fs)
        let first = [event(.agentStarted(agentVersion: "0.1.0")), event(.clockJump(deltaS: 5)), event(.shutdown)]
        for e in first { try box.enqueue(e, bootID: boot, uptime: 1) }
        fs.fault = EIO
        // Full: making room deletes a file, which fails; the new event is kept in memory anyway.
        #expect(throws: FileError.self) { try box.enqueue(event(outage), bootID: boot, uptime: 2) }
        #expect(box.entries.contains { $0.event.kind == .outage })
        #expect(box.unsavedCount >= 1)
        // A sent event leaves memory even though its file cannot be deleted.
        #expect(throws: FileError.self) { try box.remove(seqs: [box.entries[0].seq]) }
        let held = box.entries.map(\.event.id)
        #expect(throws: FileError.self) { try box.persistPending() }
        fs.fault = nil
        try box.persistPending()
        #expect(box.unsavedCount == 0)
        #expect(try Outbox(directory: dir.file("outbox"), limits: limits).entries.map(\.event.id) == held)
    }

    @Test func crashLeftoversAreCleanedAndCorruptFilesMovedAside() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let box = try Outbox(directory: dir.file("outbox"))
        try box.enqueue(event(.shutdown), bootID: boot, uptime: 1)
        try "{\"v\":1,\"ev".write(
            toFile: dir.file("outbox/00000000000000000002.json.tmp"), atomically: false, encoding: .utf8)
        try "garbage".write(toFile: dir.file("outbox/00000000000000000003.json"), atomically: false, encoding: .utf8)
        let lines = LogLines()
        let again = try Outbox(directory: dir.file("outbox"), log: lines.log)
        #expect(again.count == 1)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.file("outbox")).sorted()
        #expect(names == ["00000000000000000001.json", "00000000000000000003.json.bad"])
        #expect(lines.lines.contains { $0.hasPrefix("<3>") && $0.contains("unreadable") })
    }

    @Test func anImplausibleTimeIsKeptAsObserved() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let box = try Outbox(directory: dir.file("outbox"))
        try box.enqueue(event(.clockJump(deltaS: 3), at: Date(timeIntervalSince1970: 1000)), bootID: boot, uptime: 42)
        let again = try Outbox(directory: dir.file("outbox"))
        #expect(again.entries.first?.event.at == Date(timeIntervalSince1970: 1000))
        #expect(again.entries.first?.uptime == 42)
    }

    @Test func whenFullOrdinaryEventsGoFirstAndTheDropIsReported() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let lines = LogLines()
        let box = try Outbox(
            directory: dir.file("outbox"), limits: OutboxLimits(maxCount: 5, maxBytes: 1 << 20), log: lines.log)
        let keep = event(outage)
        try box.enqueue(keep, bootID: boot, uptime: 1)
        for i in 0..<8 { try box.enqueue(event(.clockJump(deltaS: Double(i + 3))), bootID: boot, uptime: 1) }
        #expect(box.count <= 5)
        let kinds = box.entries.map(\.event.kind)
        #expect(box.entries.first?.event == keep)
        #expect(kinds.filter { $0 == .outboxDropped }.count == 1)
        guard
            case .outboxDropped(let count, let dropped)? = box.entries.first(where: { $0.event.kind == .outboxDropped }
            )?.event.payload
        else {
            Issue.record("no drop report")
            return
        }
        // 9 enqueued, 5 kept of which one is the report: 5 events dropped and counted.
        #expect(count == 9 - (box.count - 1))
        #expect(dropped == ["clock_jump"])
        // The newest event is never the one dropped to make room for itself.
        #expect(box.entries.last?.event.payload == .clockJump(deltaS: 10))
        #expect(lines.lines.contains { $0.hasPrefix("<3>") && $0.contains("dropped") })
        // What is on disk matches.
        #expect(try Outbox(directory: dir.file("outbox")).entries.map(\.event) == box.entries.map(\.event))
    }

    @Test func outagesAreDroppedLastAndStillReported() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let box = try Outbox(directory: dir.file("outbox"), limits: OutboxLimits(maxCount: 4, maxBytes: 1 << 20))
        let outages = (0..<6).map { _ in event(outage) }
        for e in outages { try box.enqueue(e, bootID: boot, uptime: 1) }
        #expect(box.count <= 4)
        #expect(box.entries.last?.event == outages.last)
        let total = box.entries.reduce(0) { sum, e in
            if case .outboxDropped(let n, let kinds) = e.event.payload {
                #expect(kinds == ["outage"])
                return sum + n
            }
            return sum
        }
        #expect(total + box.entries.filter { $0.event.kind == .outage }.count == 6)
    }

    @Test func aDropReportAlreadySentIsNotRewritten() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let box = try Outbox(directory: dir.file("outbox"), limits: OutboxLimits(maxCount: 10, maxBytes: 1 << 20))
        for _ in 0..<12 { try box.enqueue(event(.shutdown), bootID: boot, uptime: 1) }
        let first = try #require(box.entries.first { $0.event.kind == .outboxDropped })
        box.markAttempted(box.entries.map(\.seq))
        for _ in 0..<3 { try box.enqueue(event(.shutdown), bootID: boot, uptime: 1) }
        let reports = box.entries.filter { $0.event.kind == .outboxDropped }
        #expect(reports.first?.event == first.event)
        #expect(reports.count == 2)
        #expect(box.count <= 10)
    }

    @Test func theByteBoundHolds() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let box = try Outbox(directory: dir.file("outbox"), limits: OutboxLimits(maxCount: 1000, maxBytes: 3000))
        for i in 0..<40 { try box.enqueue(event(.clockJump(deltaS: Double(i + 3))), bootID: boot, uptime: 1) }
        #expect(box.bytes <= 3000)
        #expect(box.entries.contains { $0.event.kind == .outboxDropped })
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: dir.file("outbox"))
            .reduce(0) { $0 + (FileIO.size(dir.file("outbox/" + $1)) ?? 0) }
        #expect(onDisk == box.bytes)
    }
}

@Suite struct BackoffTests {
    @Test func doublesFromOneSecondToFiveMinutes() {
        var b = Backoff(random: { 0.5 }) // no jitter in the middle of the range
        let delays = (0..<12).map { _ in b.failed(at: 100) }
        #expect(delays == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300])
        #expect(!b.ready(at: 399) && b.ready(at: 400))
        b.succeeded()
        #expect(b.ready(at: 0) && b.failures == 0)
        #expect(b.failed(at: 0) == 1)
    }

    @Test func jitterSpreadsWithinAQuarterAndNeverPassesTheCap() {
        var low = Backoff(random: { 0 })
        var high = Backoff(random: { 0.999_999 })
        for _ in 0..<4 {
            low.failed(at: 0)
            high.failed(at: 0)
        }
        #expect(low.failed(at: 0) == 12) // 16 × 0.75
        #expect(abs(high.failed(at: 0) - 20) < 0.001) // 16 × 1.25
        for _ in 0..<20 { high.failed(at: 0) }
        #expect(high.failed(at: 0) == 300)
    }
}
