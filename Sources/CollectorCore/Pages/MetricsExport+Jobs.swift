import CollectorRules
import DowntimeProtocol
import Foundation

extension MetricsExport {
    /// The jobs' series (pure): each job's state as a gauge per state, and when it last succeeded (absent for a
    /// job with no success among its recent runs).
    public static func jobs(_ entries: [JobBoard.Entry]) -> String {
        guard !entries.isEmpty else { return "" }
        var success = header(
            "downtime_job_last_success_timestamp_seconds", .gauge,
            "When the job's newest successful run ended (Unix time; absent when it never succeeded).")
        var state = header("downtime_job_state", .gauge, "1 for the job's current state, 0 for the others.")
        for entry in entries {
            let labels = "job=\"\(label(entry.record.name))\",device=\"\(label(entry.record.device))\""
            if let end = entry.runs.first(where: \.succeeded)?.end {
                success +=
                    "downtime_job_last_success_timestamp_seconds{\(labels)} "
                    + "\(String(format: "%.3f", end.timeIntervalSince1970))\n"
            }
            for s in JobState.allCases {
                state += "downtime_job_state{\(labels),state=\"\(s.rawValue)\"} \(s == entry.status.state ? 1 : 0)\n"
            }
        }
        return success + state
    }
}
