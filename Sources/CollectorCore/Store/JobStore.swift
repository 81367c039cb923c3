import CollectorRules
import DowntimeProtocol
import Foundation

/// Registered jobs (both backends, `SQLStore+Jobs`). A job's runs are not stored apart: they are its device's
/// `job_start`/`job_end` events with its name.
public protocol JobStore: Sendable {
    /// Every job, by name.
    func jobs() async throws -> [JobRecord]
    func job(named name: String) async throws -> JobRecord?
    /// The job of a key, by its hash (lower-case hex of SHA-256).
    func job(keyHash: String) async throws -> JobRecord?
    /// Adds a job; throws `StoreError.jobExists` for a taken name, `.noSuchDevice` for an unknown device.
    func addJob(_ job: JobRecord) async throws
    /// Removes a job (its events stay in the device's log); false when there was none.
    func removeJob(named name: String) async throws -> Bool
    /// Records the job's state and since; false when there is no such job.
    func setJobState(_ state: JobState, since: Date, job: String) async throws -> Bool
    /// The newest `limit` `job_start`/`job_end` events of `device` named `job`, oldest first.
    func jobEvents(device: String, job: String, limit: Int) async throws -> [Event]
}
