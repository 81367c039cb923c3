import DowntimeProtocol
import Foundation

/// A registered job as stored: its spec, its key's hash, and the state last recorded (the sweep compares the
/// evaluated state with it, so a restart does not record a flip twice).
public struct JobRecord: Sendable, Equatable {
    public var spec: JobSpec
    /// SHA-256 of the job key, lower-case hex (the key itself is shown once).
    public var keyHash: String
    public var state: JobState
    public var stateSince: Date

    public init(spec: JobSpec, keyHash: String, state: JobState = .new, stateSince: Date? = nil) {
        self.spec = spec
        self.keyHash = keyHash
        self.state = state
        self.stateSince = stateSince ?? spec.createdAt
    }

    public var name: String { spec.name }
    public var device: String { spec.device }
}
