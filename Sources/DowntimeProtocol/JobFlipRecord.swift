#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A registered job's state change as the collector records it in its device's log (kind `job_flip`).
public struct JobFlipRecord: Sendable, Hashable {
    /// The job's name.
    public var name: String
    public var from: JobState
    public var to: JobState
    /// Why, in words ("exit 1", "over 2h 0m"); may be empty.
    public var reason: String
    /// The run the new state is about; nil for a job that never ran.
    public var rid: String?

    public init(name: String, from: JobState, to: JobState, reason: String, rid: String? = nil) {
        self.name = name
        self.from = from
        self.to = to
        self.reason = reason
        self.rid = rid
    }
}
