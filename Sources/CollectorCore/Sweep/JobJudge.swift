import CollectorRules
import DowntimeProtocol
import Foundation
import Logging

/// The leader's judgement of jobs (docs/DESIGN.md "Jobs"): each job's state now (`JobBoard`) against the one stored.
/// A change is recorded with `JobStore.recordJobFlip` (the state and its `job_flip` row together, only from the state
/// stored, so that a restart or a second collector records nothing twice) and told through the notifications.
public struct JobJudge: Sendable {
    let board: JobBoard
    let store: any JobStore
    let leadership: Leadership
    let notifications: NotificationFeed
    let clock: any WallClock
    let logger: Logger

    /// Judges every job at the wall clock's now; returns the changes it recorded.
    @discardableResult
    public func run() async throws -> [JobChange] {
        guard leadership.isLeading else { return [] }
        let now = clock.now()
        var recorded: [JobChange] = []
        for entry in try await board.entries(now: now) {
            guard let change = JobChange.between(entry.record, entry.status) else { continue }
            let event = change.event(maxRuntime: entry.record.spec.maxRuntime)
            // Marked before the write, so that the log's tail does not tell it a second time.
            notifications.willRecord(ids: [event.id])
            let stored: Bool
            do {
                stored = try await store.recordJobFlip(event, receivedAt: now)
            } catch {
                notifications.notRecorded([event.id])
                throw error
            }
            guard stored, let flip = JobFlip(event) else {
                notifications.notRecorded([event.id])
                continue
            }
            logger.notice("\(change.device): \(LogFormat.detail(event))")
            await notifications.jobs([flip])
            recorded.append(change)
        }
        return recorded
    }
}
