import CollectorRules
import DowntimeProtocol
import Foundation

// Registered jobs, once for both backends.
extension SQLStore {
    public func jobs() async throws -> [JobRecord] {
        try await executor.statements { conn in try await conn.query(sql.allJobs) { try $0.jobRecord() } }
    }

    public func job(named name: String) async throws -> JobRecord? {
        try await executor.statements { conn in
            try await conn.query(sql.jobNamed, [.text(name)]) { try $0.jobRecord() }.first
        }
    }

    public func job(keyHash: String) async throws -> JobRecord? {
        try await executor.statements { conn in
            try await conn.query(sql.jobWithKey, [.text(keyHash)]) { try $0.jobRecord() }.first
        }
    }

    public func addJob(_ job: JobRecord) async throws {
        let s = job.spec
        let values: [StoreValue] = [
            .text(s.name), .text(s.device), .text(s.schedule.text), .double(s.grace), .double(s.maxRuntime),
            .text(job.keyHash), .time(s.createdAt), .text(job.state.rawValue), .time(job.stateSince),
        ]
        try await executor.transaction { conn in
            guard try await !conn.query(sql.deviceExists, [.text(s.device)], { _ in true }).isEmpty else {
                throw StoreError.noSuchDevice(s.device)
            }
            guard try await conn.execute(sql.insertJob, values) > 0 else { throw StoreError.jobExists(s.name) }
        }
    }

    public func removeJob(named name: String) async throws -> Bool {
        try await executor.transaction { conn in try await conn.execute(sql.deleteJob, [.text(name)]) > 0 }
    }

    public func recordJobFlip(_ event: Event, receivedAt: Date) async throws -> Bool {
        guard case .jobFlip(let f) = event.payload else { return false }
        let values: [StoreValue] = [.text(f.to.rawValue), .time(event.at), .text(f.name), .text(f.from.rawValue)]
        let row = try event.rowValues(receivedAt: receivedAt)
        return try await executor.transaction { conn in
            guard try await conn.execute(sql.setJobState, values) > 0 else { return false }
            try await conn.execute(sql.insertEvent, row)
            try await markChange(conn)
            return true
        }
    }

    public func jobEvents(device: String, job: String, limit: Int) async throws -> [Event] {
        // The name is in the event's body: read the device's job events newest first, a page at a time, until
        // `limit` of this job's are found.
        var found: [Event] = []
        var before = Int64.max
        let page = max(limit * 2, 64)
        while found.count < limit {
            let values: [StoreValue] = [.text(device), .int(before), .integer(page)]
            let rows = try await executor.statements { conn in
                try await conn.query(sql.deviceJobEvents, values) {
                    try $0.storedEvent()
                }
            }
            for row in rows where Self.jobName(row.event) == job { found.append(row.event) }
            guard rows.count == page, let last = rows.last else { break }
            before = last.seq
        }
        return Array(found.prefix(limit).reversed())
    }

    static func jobName(_ event: Event) -> String? {
        switch event.payload {
        case .jobStart(let s): s.name
        case .jobEnd(let e): e.name
        case .jobFlip(let f): f.name
        default: nil
        }
    }
}

extension StoreRow {
    /// The job of a row of `StoreSQL.jobColumns`; nil for a schedule or state this version cannot read.
    func jobRecord() throws -> JobRecord? {
        guard let schedule = JobSchedule(text: try required(string("schedule"), "schedule")),
            let state = JobState(rawValue: try required(string("state"), "state"))
        else { return nil }
        let spec = JobSpec(
            name: try required(string("name"), "name"), device: try required(string("device"), "device"),
            schedule: schedule, grace: try required(double("grace"), "grace"), maxRuntime: try double("max_runtime"),
            createdAt: Date(timeIntervalSince1970: try required(double("created_at"), "created_at")))
        return JobRecord(
            spec: spec, keyHash: try required(string("key_hash"), "key_hash"), state: state,
            stateSince: Date(timeIntervalSince1970: try required(double("state_since"), "state_since")))
    }
}
