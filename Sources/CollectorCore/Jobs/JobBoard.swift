import CollectorRules
import DowntimeProtocol
import Foundation

/// The registered jobs as they stand at a frozen `now`: each with its recent runs (its device's `job_start`/`job_end`
/// events, paired) and its state evaluated from them (`JobStatus.evaluate`). The sweep's judge, the pages, the API
/// and `/metrics` all read jobs through it, so they agree.
public struct JobBoard: Sendable {
    /// A job, its state now and its newest runs (newest first).
    public struct Entry: Sendable, Equatable {
        public var record: JobRecord
        public var status: JobStatus
        public var runs: [JobRun]
        /// Its recorded state changes among the events read, newest first.
        public var flips: [JobFlip] = []
    }

    let store: any JobStore
    /// The device's latest boot id and when it was last seen (its newest beat): an open run from another boot was
    /// cut by a restart.
    let latestBoot: @Sendable (String) async -> (id: String, at: Date)?
    /// The zone cron schedules are read in (`DOWNTIME_TIMEZONE`).
    let zone: TimeZone

    public init(
        store: any JobStore, zone: TimeZone, latestBoot: @escaping @Sendable (String) async -> (id: String, at: Date)?
    ) {
        self.store = store
        self.zone = zone
        self.latestBoot = latestBoot
    }

    /// How many runs are read per job by default: enough to find the open one and show a job page's history.
    public static let recentRuns = 20

    /// Every job at `now` (or only `device`'s: the others' runs are not read), by name.
    public func entries(now: Date, device: String? = nil, runs: Int = recentRuns) async throws -> [Entry] {
        var out: [Entry] = []
        for record in try await store.jobs() where device == nil || record.device == device {
            out.append(try await entry(record, now: now, runs: runs))
        }
        return out.sorted { $0.record.name < $1.record.name }
    }

    /// One job at `now`; nil when there is none of that name.
    public func entry(named name: String, now: Date, runs: Int = recentRuns) async throws -> Entry? {
        guard let record = try await store.job(named: name) else { return nil }
        return try await entry(record, now: now, runs: runs)
    }

    private func entry(_ record: JobRecord, now: Date, runs limit: Int) async throws -> Entry {
        // Three events a run: its start, its end and a state change.
        let events = try await store.jobEvents(device: record.device, job: record.name, limit: limit * 3)
        let runs = JobRun.pair(events, latestBoot: await latestBoot(record.device))
        let status = JobStatus.evaluate(spec: record.spec, runs: runs, now: now, zone: zone)
        return Entry(
            record: record, status: status, runs: Array(runs.prefix(limit)),
            flips: events.compactMap(JobFlip.init).reversed())
    }
}
