/// A job's state (docs/DESIGN.md "Jobs"); the raw values are the stored and API spellings.
public enum JobState: String, Sendable, Equatable, Codable, CaseIterable {
    /// Registered, never run, not yet late.
    case new
    case ok
    /// Not started by its due time plus grace.
    case late
    case running
    /// A run open past the job's max runtime.
    case tooLong = "too_long"
    /// The last ended run failed (non-zero exit, a signal, or a `/fail` ping).
    case failed
    /// The last run started and its device then booted again with no end.
    case interrupted

    /// A state someone should hear about.
    public var isProblem: Bool { [.late, .tooLong, .failed, .interrupted].contains(self) }
}
