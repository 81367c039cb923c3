import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorCore
@testable import CollectorRules

/// Registered jobs (issue #31) on both stores: added once by name on a known device, found by key hash, their state
/// recorded, their runs read from the device's log by name, gone with their device, copied by nothing else.
@Suite struct JobStoreTests {
    let t0 = Date(timeIntervalSince1970: 1_795_335_000)

    func job(_ name: String, device: String = "nas", key: String? = nil) throws -> JobRecord {
        JobRecord(
            spec: JobSpec(
                name: name, device: device, schedule: .cron(try CronSchedule("0 3 * * mon-fri")), grace: 3600,
                maxRuntime: 7200, createdAt: t0),
            keyHash: Tokens.hex(Tokens.hash(key ?? "key-\(name)")))
    }

    @Test(arguments: Backend.all) func jobsAreAddedOnceAndFoundByNameAndKey(_ backend: Backend) async throws {
        let (h, s) = try await StoreHandle.withDevices(backend, ["nas", "pi"], createdAt: t0)
        defer { h.remove() }
        let backup = try job("backup")
        try await s.addJob(backup)
        var sync = try job("sync", device: "pi")
        sync.spec.schedule = .every(900)
        sync.spec.maxRuntime = nil
        try await s.addJob(sync)
        await #expect(throws: StoreError.jobExists("backup")) { try await s.addJob(try job("backup", device: "pi")) }
        await #expect(throws: StoreError.noSuchDevice("nope")) { try await s.addJob(try job("x", device: "nope")) }
        #expect(try await s.jobs() == [backup, sync])
        #expect(try await s.job(named: "backup") == backup)
        #expect(try await s.job(keyHash: Tokens.hex(Tokens.hash("key-sync"))) == sync)
        #expect(try await s.job(keyHash: Tokens.hex(Tokens.hash("other"))) == nil)
        // A change is recorded once, only from the state stored, with its row in the device's log.
        let flip = JobChange(job: "backup", device: "nas", from: .new, to: .failed, at: t0 + 60).event(maxRuntime: nil)
        #expect(try await s.recordJobFlip(flip, receivedAt: t0 + 61))
        #expect(try await !s.recordJobFlip(flip, receivedAt: t0 + 61))
        var unknown = flip
        unknown.payload = .jobFlip(JobFlipRecord(name: "nope", from: .new, to: .failed, reason: ""))
        #expect(try await !s.recordJobFlip(unknown, receivedAt: t0 + 61))
        let read = try await s.job(named: "backup")
        #expect(read?.state == .failed && read?.stateSince == t0 + 60)
        let logged = try await s.events(device: "nas", since: nil, afterSeq: nil, limit: 10).map(\.event)
        #expect(logged.filter { $0.kind == .jobFlip } == [flip])
        #expect(try await s.removeJob(named: "backup"))
        #expect(try await !s.removeJob(named: "backup"))
        // A device removed takes its jobs.
        #expect(try await s.removeDevice(named: "pi"))
        #expect(try await s.jobs().isEmpty)
    }

    @Test(arguments: Backend.all) func theBoardReadsOneDevicesJobsOrAll(_ backend: Backend) async throws {
        let (h, s) = try await StoreHandle.withDevices(backend, ["nas", "pi"], createdAt: t0)
        defer { h.remove() }
        try await s.addJob(try job("backup"))
        try await s.addJob(try job("sync", device: "pi"))
        try await s.addJob(try job("certs"))
        let board = JobBoard(store: s, zone: TimeZone(identifier: "UTC")!) { _ in nil }
        #expect(try await board.entries(now: t0).map(\.record.name) == ["backup", "certs", "sync"])
        #expect(try await board.entries(now: t0, device: "nas").map(\.record.name) == ["backup", "certs"])
        #expect(try await board.entries(now: t0, device: "pi").map(\.record.name) == ["sync"])
        #expect(try await board.entries(now: t0, device: "nope").isEmpty)
    }

    @Test(arguments: Backend.all) func aJobsRunsAreItsDevicesJobEventsWithItsName(_ backend: Backend) async throws {
        let (h, s) = try await StoreHandle.withDevices(backend, ["nas", "pi"], createdAt: t0)
        defer { h.remove() }
        func start(_ name: String, _ rid: String, _ at: Double, device: String = "nas") -> Event {
            Event(device: device, at: t0 + at, bootID: "b1", payload: .jobStart(JobStart(name: name, rid: rid)))
        }
        func end(_ name: String, _ rid: String, _ at: Double) -> Event {
            Event(
                device: "nas", at: t0 + at, bootID: "b1",
                payload: .jobEnd(JobEnd(name: name, rid: rid, exitCode: 0, durationS: 1, output: "out \(rid)")))
        }
        var events: [Event] = []
        for i in 0..<50 {
            events += [start("backup", "r\(i)", Double(i * 10)), end("backup", "r\(i)", Double(i * 10 + 1))]
            events += [start("other", "o\(i)", Double(i * 10 + 2)), start("backup", "p\(i)", Double(i), device: "pi")]
        }
        _ = try await s.insertEvents(events, receivedAt: t0)
        let mine = try await s.jobEvents(device: "nas", job: "backup", limit: 5)
        #expect(mine.map(\.kind) == [.jobEnd, .jobStart, .jobEnd, .jobStart, .jobEnd])
        #expect(
            mine.last?.payload
                == .jobEnd(JobEnd(name: "backup", rid: "r49", exitCode: 0, durationS: 1, output: "out r49")))
        // Events for a job nobody registered are kept; all 100 of this one's are found past other jobs' events.
        #expect(try await s.jobEvents(device: "nas", job: "backup", limit: 1000).count == 100)
        #expect(try await s.jobEvents(device: "nas", job: "other", limit: 1000).count == 50)
        #expect(try await s.jobEvents(device: "nas", job: "none", limit: 10).isEmpty)
    }
}
