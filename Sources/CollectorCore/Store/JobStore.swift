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
    /// Records a job's change (a `job_flip` event): the job's stored state moves from the flip's `from` to its `to`
    /// since the event's time, and the row goes into its device's log, together; false (nothing written) when the
    /// stored state is no longer `from` (another collector recorded it) or there is no such job.
    func recordJobFlip(_ event: Event, receivedAt: Date) async throws -> Bool
    /// The newest `limit` `job_start`/`job_end`/`job_flip` events of `device` named `job`, oldest first.
    func jobEvents(device: String, job: String, limit: Int) async throws -> [Event]
}
