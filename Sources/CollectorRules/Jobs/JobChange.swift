import DowntimeProtocol
import Foundation

/// A job's state change the sweep records: the evaluated state differs from the one stored. The stored state and
/// its `since` decide, so a restart that evaluates the same runs finds no change and records nothing twice.
public struct JobChange: Sendable, Equatable {
    public var job: String
    public var device: String
    public var from: JobState
    public var to: JobState
    public var at: Date
    /// The run the new state is about (nil for a job that never ran).
    public var run: JobRun?

    public init(job: String, device: String, from: JobState, to: JobState, at: Date, run: JobRun? = nil) {
        self.job = job
        self.device = device
        self.from = from
        self.to = to
        self.at = at
        self.run = run
    }

    /// The change from `record`'s stored state to `status`; nil when the state is the same.
    public static func between(_ record: JobRecord, _ status: JobStatus) -> JobChange? {
        guard status.state != record.state else { return nil }
        return JobChange(
            job: record.name, device: record.device, from: record.state, to: status.state, at: status.since,
            run: status.run)
    }

    /// Its row in the job's device's log (kind `job_flip`).
    public func event(maxRuntime: TimeInterval?) -> Event {
        Event(
            device: device, at: at, bootID: nil,
            payload: .jobFlip(
                JobFlipRecord(name: job, from: from, to: to, reason: reason(maxRuntime: maxRuntime), rid: run?.rid)))
    }

    /// Why, in words, for the log and the message: "exit 1", "over 2h 0m".
    public func reason(maxRuntime: TimeInterval?) -> String {
        switch to {
        case .failed: run.map { $0.outcome == "failed" ? "" : $0.outcome } ?? ""
        case .tooLong: maxRuntime.map { "over \(Durations.text($0))" } ?? ""
        case .interrupted: "its device restarted during the run"
        case .late: "not started by its due time and grace"
        default: ""
        }
    }

    /// The message: "backup on nas failed (exit 1)".
    public func message(maxRuntime: TimeInterval?) -> String {
        Self.message(job: job, device: device, from: from, to: to, reason: reason(maxRuntime: maxRuntime))
    }

    /// A change in words: "backup on nas failed (exit 1)", "backup on nas is ok again".
    public static func message(job: String, device: String, from: JobState, to: JobState, reason: String) -> String {
        let words =
            switch to {
            case .failed: "failed"
            case .late: "is late"
            case .tooLong: "is running too long"
            case .interrupted: "was interrupted"
            case .running: from.isProblem ? "is running again" : "is running"
            case .ok: from.isProblem ? "is ok again" : "is ok"
            case .new: "is new"
            }
        return "\(job) on \(device) \(words)" + (reason.isEmpty ? "" : " (\(reason))")
    }
}
