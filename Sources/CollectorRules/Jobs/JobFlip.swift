import DowntimeProtocol
import Foundation

/// A job's state change as recorded: its `job_flip` row in its device's log (`id` is the row's event id), as the
/// notification planner takes it.
public struct JobFlip: Sendable, Equatable {
    public var id: UUID
    public var device: String
    public var record: JobFlipRecord
    public var at: Date

    public init(id: UUID, device: String, record: JobFlipRecord, at: Date) {
        self.id = id
        self.device = device
        self.record = record
        self.at = at
    }

    /// The flip of a stored `job_flip` event; nil for another kind.
    public init?(_ event: Event) {
        guard case .jobFlip(let record) = event.payload else { return nil }
        self.init(id: event.id, device: event.device, record: record, at: event.at)
    }

    /// Whether people hear of it: a problem begins, or one ends (a run starting or ending well is only logged).
    public var notifies: Bool { record.to.isProblem || record.from.isProblem }
}
