import CollectorRules
import DowntimeProtocol
import Foundation

extension Ingest {
    /// The job a ping's key belongs to; nil for an unknown key.
    func job(ofKey key: String) async throws -> JobRecord? {
        guard !key.isEmpty, key.utf8.count <= 256 else { return nil }
        return try await store.job(keyHash: Tokens.hex(Tokens.hash(key)))
    }

    /// Records a job ping's `job_start`/`job_end` (no boot id) on the job's device, committed before the answer.
    @discardableResult
    func jobPing(_ ping: JobPing, job: JobRecord, rid: String?, output: [UInt8]) async throws -> Event {
        let now = clock.wall.now()
        // An end without a rid pairs with the newest open ping-made run: read the job's recent runs.
        let runs =
            ping == .start
            ? [] : JobRun.pair(try await store.jobEvents(device: job.device, job: job.name, limit: 200))
        let newRID = "ping-" + UUID().uuidString.prefix(8).lowercased()
        let event = ping.event(job: job.spec, rid: rid, output: output, runs: runs, now: now, newRID: newRID)
        _ = try await flips.stored("insert_events") { try await store.insertEvents([event], receivedAt: now) }
        await timelines.add([event], receivedAt: now)
        return event
    }
}
