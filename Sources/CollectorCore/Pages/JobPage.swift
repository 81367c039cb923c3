import CollectorRules
import DowntimeProtocol
import Foundation

/// The page of one job (`/jobs/NAME`): its schedule and state, and its runs newest first with a duration bar, how
/// each ended and its output (escaped, like all data on the pages).
public enum JobPage {
    public static func render(_ e: JobBoard.Entry, local: LocalTime, now: Date) -> String {
        let name = e.record.name
        return PageParts.document("\(name) · jobs · DowntimeMon") { w in
            w.element(.header) { w in
                w.element(.h1) { w in
                    w.element(.a, [(.href, "/")], text: "DowntimeMon")
                    w.text(" / job \(name) ")
                    JobsTable.state(&w, e.status.state)
                }
            }
            w.element(.main) { w in
                w.element(.p, [(.class, "sum")], text: sentence(e.status))
                facts(&w, e, local: local)
                w.element(.h2, text: "Runs (newest first)")
                if e.runs.isEmpty {
                    w.element(.p, [(.class, "empty")], text: "No run reported yet.")
                } else {
                    runs(&w, e.runs, local: local, now: now)
                }
                w.element(.h2, text: "State changes (newest first)")
                if e.flips.isEmpty {
                    w.element(.p, [(.class, "empty")], text: "No change recorded yet.")
                } else {
                    flips(&w, e.flips, local: local)
                }
                w.element(.p) { w in
                    w.element(.a, [(.href, "\(WireProtocol.apiPrefix)/jobs/\(name)")], text: "JSON")
                }
            }
        }
    }

    static func sentence(_ s: JobStatus) -> String {
        switch s.state {
        case .new: "Never run yet."
        case .ok: "Its last run succeeded."
        case .late: "Late: it did not start by its due time plus grace."
        case .running: "Running now."
        case .tooLong: "Running longer than its max runtime."
        case .failed: "Its last run failed (\(s.run?.outcome ?? "failed"))."
        case .interrupted: "Its last run was cut: its device booted again before it ended."
        }
    }

    static func facts(_ w: inout HTMLWriter, _ e: JobBoard.Entry, local: LocalTime) {
        let spec = e.record.spec
        w.element(.table, [(.class, "facts")]) { w in
            func row(_ k: String, _ body: (inout HTMLWriter) -> Void) {
                w.element(.tr) { w in
                    w.element(.th, text: k)
                    w.element(.td, [], body)
                }
            }
            row("Device") { $0.element(.a, [(.href, "/devices/\(spec.device)")], text: spec.device) }
            row("Schedule") { w in
                switch spec.schedule {
                case .every(let period): w.text("every \(Durations.text(period))")
                case .cron(let cron): w.text("cron \(cron.text) (\(local.zone.identifier))")
                }
            }
            row("Grace") { $0.text(Durations.text(spec.grace)) }
            row("Max runtime") { $0.text(spec.maxRuntime.map(Durations.text) ?? "no limit") }
            row("State since") { JobsTable.time(&$0, e.status.since, local) }
            row("Next due") { JobsTable.time(&$0, e.status.due, local) }
        }
    }

    /// The job's recorded changes (its `job_flip` rows): when, from, to and why.
    static func flips(_ w: inout HTMLWriter, _ flips: [JobFlip], local: LocalTime) {
        w.element(.table, [(.class, "flips")]) { w in
            w.element(.thead) { w in
                w.element(.tr) { w in for h in ["At", "From", "To", "Why"] { w.element(.th, text: h) } }
            }
            w.element(.tbody) { w in
                for f in flips {
                    w.element(.tr) { w in
                        w.element(.td) { JobsTable.time(&$0, f.at, local) }
                        w.element(.td, text: f.record.from.rawValue)
                        w.element(.td) { JobsTable.state(&$0, f.record.to) }
                        w.element(.td, text: f.record.reason)
                    }
                }
            }
        }
    }

    static func runs(_ w: inout HTMLWriter, _ runs: [JobRun], local: LocalTime, now: Date) {
        // Each bar is a share of the longest run shown.
        let longest = runs.compactMap { JobsTable.duration($0, now: now) }.max() ?? 0
        w.element(.table, [(.class, "runs")]) { w in
            w.element(.thead) { w in
                w.element(.tr) { w in
                    for h in ["Start", "End", "Duration", "Outcome", "Output"] { w.element(.th, text: h) }
                }
            }
            w.element(.tbody) { w in
                for run in runs { runRow(&w, run, longest: longest, local: local, now: now) }
            }
        }
    }

    static func runRow(_ w: inout HTMLWriter, _ run: JobRun, longest: Double, local: LocalTime, now: Date) {
        w.element(.tr) { w in
            w.element(.td) { w in
                if let s = run.start {
                    JobsTable.time(&w, s, local)
                } else {
                    w.element(.span, [(.class, "mute")], text: "unknown")
                }
            }
            w.element(.td) { w in
                if let e = run.end {
                    JobsTable.time(&w, e, local)
                } else {
                    w.element(.span, [(.class, "mute")], text: run.interrupted ? "never (cut)" : "running")
                }
            }
            w.element(.td, [(.class, "num")]) { w in
                guard let d = JobsTable.duration(run, now: now) else { return w.text("–") }
                let share = longest > 0 ? min(100, max(1, Int((d / longest * 100).rounded()))) : 100
                w.element(.span, [(.class, "jbar")]) { w in
                    var attrs: [(HTMLWriter.Attr, String)] = [(.style, "width:\(share)%")]
                    if !run.succeeded && !run.isOpen { attrs.append((.class, "bad")) }
                    w.element(.i, attrs)
                }
                w.text(" " + Durations.text(d))
            }
            w.element(.td) { w in outcome(&w, run) }
            w.element(.td) { w in output(&w, run) }
        }
    }

    /// "ok", "exit 3", "signal 9", the reason a ping gave, "interrupted", or "running".
    static func outcome(_ w: inout HTMLWriter, _ run: JobRun) {
        if run.isOpen { return w.text("running") }
        if run.succeeded { w.text(run.outcome) } else { w.element(.span, [(.class, "warn")], text: run.outcome) }
        if !run.reason.isEmpty && run.outcome != run.reason {
            w.element(.small, [(.class, "mute")], text: " " + run.reason)
        }
    }

    static func output(_ w: inout HTMLWriter, _ run: JobRun) {
        if run.outputDropped > 0 {
            w.element(
                .small, [(.class, "mute")],
                text:
                    "\(run.outputDropped) earlier byte\(run.outputDropped == 1 ? "" : "s") dropped; the last 4 KB kept:"
            )
        }
        if run.output.isEmpty {
            if run.outputDropped == 0 { w.element(.span, [(.class, "mute")], text: "no output") }
        } else {
            w.element(.pre, [(.class, "out")], text: run.output)
        }
    }
}
