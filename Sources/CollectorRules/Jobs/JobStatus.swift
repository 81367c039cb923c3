import DowntimeProtocol
import Foundation

/// A job's state at a moment, worked out from stored times only (like Healthchecks' `get_status`).
public struct JobStatus: Sendable, Equatable {
    public var state: JobState
    /// When this state began (so a restart re-derives the same moment, and a flip is never doubled).
    public var since: Date
    /// The next expected start.
    public var due: Date
    /// The run the state is about (the open run, the last ended one), nil when none.
    public var run: JobRun?

    public init(state: JobState, since: Date, due: Date, run: JobRun? = nil) {
        self.state = state
        self.since = since
        self.due = due
        self.run = run
    }

    /// The state of `spec` with its `runs` (any order) at a frozen `now`; cron times are read in `zone`.
    ///
    /// - due: the next scheduled time after the last run's start (its end when the start is unknown), or after
    ///   the job's creation when it never ran.
    /// - running: a run is open (started, no end, its device not booted again) for less than max-runtime, since
    ///   its start; too_long: open past max-runtime, since start + max-runtime.
    /// - Otherwise late when nothing started by due + grace, since due + grace.
    /// - Otherwise by the last run: interrupted (since its start), failed (since its end), ok (since its end);
    ///   new (since creation) when it never ran.
    public static func evaluate(spec: JobSpec, runs: [JobRun], now: Date, zone: TimeZone) -> JobStatus {
        let ordered = runs.sorted { ($0.at, $0.rid) > ($1.at, $1.rid) }
        let last = ordered.first
        let due = spec.schedule.next(after: last?.at ?? spec.createdAt, in: zone)
        if let open = ordered.first(where: \.isOpen), let start = open.start {
            if let max = spec.maxRuntime, now >= start + max {
                return JobStatus(state: .tooLong, since: start + max, due: due, run: open)
            }
            return JobStatus(state: .running, since: start, due: due, run: open)
        }
        if now >= due + spec.grace {
            return JobStatus(state: .late, since: due + spec.grace, due: due, run: last)
        }
        guard let last else { return JobStatus(state: .new, since: spec.createdAt, due: due) }
        if last.interrupted { return JobStatus(state: .interrupted, since: last.at, due: due, run: last) }
        let end = last.end ?? last.at
        if !last.succeeded { return JobStatus(state: .failed, since: end, due: due, run: last) }
        return JobStatus(state: .ok, since: end, due: due, run: last)
    }
}
