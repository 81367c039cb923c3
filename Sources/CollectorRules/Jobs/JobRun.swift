import DowntimeProtocol
import Foundation

/// One run of a job: its `job_start` and `job_end` events paired by `rid`. A run has no start when only its end
/// arrived, no end while it runs (or when it was interrupted).
public struct JobRun: Sendable, Equatable {
    public var rid: String
    public var start: Date?
    public var end: Date?
    /// The boot the start was made in (nil for a ping-made run).
    public var bootID: String?
    public var exitCode: Int?
    public var signal: Int?
    /// Seconds, on the device's monotonic clock (nil when only one end is known).
    public var duration: Double?
    public var output: String
    public var outputDropped: Int
    public var reason: String
    /// Started, never ended, and its device booted again since.
    public var interrupted: Bool

    public init(
        rid: String, start: Date? = nil, end: Date? = nil, bootID: String? = nil, exitCode: Int? = nil,
        signal: Int? = nil, duration: Double? = nil, output: String = "", outputDropped: Int = 0, reason: String = "",
        interrupted: Bool = false
    ) {
        self.rid = rid
        self.start = start
        self.end = end
        self.bootID = bootID
        self.exitCode = exitCode
        self.signal = signal
        self.duration = duration
        self.output = output
        self.outputDropped = outputDropped
        self.reason = reason
        self.interrupted = interrupted
    }

    /// An ended run that succeeded.
    public var succeeded: Bool { end != nil && exitCode == 0 && signal == nil }
    public var isOpen: Bool { start != nil && end == nil && !interrupted }
    /// The run's time for ordering: its start, or its end when the start is unknown.
    public var at: Date { start ?? end ?? .distantPast }

    /// What ended it, for messages: "exit 1", "signal 9", the reason.
    public var outcome: String {
        if interrupted { return "interrupted" }
        if let signal { return "signal \(signal)" }
        if let exitCode { return exitCode == 0 ? "ok" : "exit \(exitCode)" }
        return reason.isEmpty ? "failed" : reason
    }

    /// The runs in a job's events (its `job_start`/`job_end`, any order), newest first. `latestBoot` is the
    /// device's most recent boot id and when it was seen: an open start from another, earlier boot was cut.
    public static func pair(_ events: [Event], latestBoot: (id: String, at: Date)? = nil) -> [JobRun] {
        var runs: [String: JobRun] = [:]
        for event in events.sorted(by: { $0.at < $1.at }) {
            switch event.payload {
            case .jobStart(let start):
                var run = runs[start.rid] ?? JobRun(rid: start.rid)
                run.start = event.at
                run.bootID = event.bootID
                runs[start.rid] = run
            case .jobEnd(let end):
                var run = runs[end.rid] ?? JobRun(rid: end.rid)
                run.end = event.at
                run.exitCode = end.exitCode
                run.signal = end.signal
                run.duration = end.durationS ?? run.start.map { event.at.timeIntervalSince($0) }
                run.output = end.output
                run.outputDropped = end.outputDropped
                run.reason = end.reason
                runs[end.rid] = run
            default: continue
            }
        }
        if let latestBoot {
            for (rid, run) in runs where run.isOpen {
                if let boot = run.bootID, boot != latestBoot.id, let start = run.start, latestBoot.at > start {
                    runs[rid]?.interrupted = true
                }
            }
        }
        return runs.values.sorted { ($0.at, $0.rid) > ($1.at, $1.rid) }
    }
}
