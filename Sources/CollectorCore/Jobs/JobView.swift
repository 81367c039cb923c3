import CollectorRules
import DowntimeProtocol
import Foundation

/// A job on the read API: its schedule, its state now and its newest run (`GET /api/v1/jobs`), and with `runs`
/// its last runs, newest first (`GET /api/v1/jobs/{name}`). Times are UTC like the rest of the API.
public struct JobView: Codable, Sendable, Equatable {
    public var name: String
    public var device: String
    /// As `job list` shows it: "every 86400" or "cron 0 3 * * *".
    public var schedule: String
    public var graceS: Int
    /// Null without a limit.
    public var maxRuntimeS: Int?
    public var state: JobState
    public var since: Date
    /// The next expected start.
    public var due: Date
    /// Null when it never ran.
    public var lastRun: JobRunView?
    /// Only on a job's own answer.
    public var runs: [JobRunView]?

    enum CodingKeys: String, CodingKey {
        case name, device, schedule, state, since, due, runs
        case graceS = "grace_s"
        case maxRuntimeS = "max_runtime_s"
        case lastRun = "last_run"
    }

    /// `entry` as the API shows it; with `runs`, its runs too.
    public init(_ entry: JobBoard.Entry, runs: Bool = false) {
        let spec = entry.record.spec
        name = spec.name
        device = spec.device
        schedule = spec.schedule.text
        graceS = Int(spec.grace)
        maxRuntimeS = spec.maxRuntime.map { Int($0) }
        state = entry.status.state
        since = entry.status.since
        due = entry.status.due
        lastRun = entry.runs.first.map { JobRunView($0) }
        self.runs = runs ? entry.runs.map { JobRunView($0) } : nil
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(device, forKey: .device)
        try c.encode(schedule, forKey: .schedule)
        try c.encode(graceS, forKey: .graceS)
        try c.encode(maxRuntimeS, forKey: .maxRuntimeS)
        try c.encode(state, forKey: .state)
        try c.encode(since, forKey: .since)
        try c.encode(due, forKey: .due)
        try c.encode(lastRun, forKey: .lastRun)
        // The list leaves the runs out rather than writing null: a job's own answer always has them.
        try c.encodeIfPresent(runs, forKey: .runs)
    }
}
