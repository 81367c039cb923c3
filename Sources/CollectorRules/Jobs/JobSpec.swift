import Foundation

/// A job as registered on the collector (`job add`).
public struct JobSpec: Sendable, Equatable {
    public var name: String
    public var device: String
    public var schedule: JobSchedule
    /// How long after its due time a start may come before the job is late.
    public var grace: TimeInterval
    /// How long a run may stay open before it is too long (nil: no limit).
    public var maxRuntime: TimeInterval?
    public var createdAt: Date

    public init(
        name: String, device: String, schedule: JobSchedule, grace: TimeInterval, maxRuntime: TimeInterval?,
        createdAt: Date
    ) {
        self.name = name
        self.device = device
        self.schedule = schedule
        self.grace = grace
        self.maxRuntime = maxRuntime
        self.createdAt = createdAt
    }
}
