import CollectorRules
import DowntimeProtocol
import Foundation

/// The jobs on the overview (problems first) and on their device's page, and the pieces the job page shares.
enum JobsTable {
    /// Where a state sorts on the overview: problems, then running, ok, new.
    static func rank(_ s: JobState) -> Int {
        switch s {
        case .late, .tooLong, .failed, .interrupted: 0
        case .running: 1
        case .ok: 2
        case .new: 3
        }
    }

    /// Problems first, then running, ok and new; by name within each.
    static func ordered(_ entries: [JobBoard.Entry]) -> [JobBoard.Entry] {
        entries.sorted { (rank($0.status.state), $0.record.name) < (rank($1.status.state), $1.record.name) }
    }

    /// A state as a word on a colour of the device states' (a problem red or orange, running blue, ok green).
    static func state(_ w: inout HTMLWriter, _ s: JobState) {
        let colour =
            switch s {
            case .ok: "up"
            case .late, .tooLong: "late"
            case .failed, .interrupted: "down"
            case .running, .new: "new"
            }
        w.element(.span, [(.class, "st " + colour)], text: s.rawValue.replacingOccurrences(of: "_", with: " "))
    }

    /// A time in the collector's zone (the page's script shows it in the reader's).
    static func time(_ w: inout HTMLWriter, _ d: Date, _ local: LocalTime) {
        w.element(.time, [(.datetime, WireTime.format(d)), (.title, local.stamp(d))], text: local.stamp(d))
    }

    /// A run's duration so far: its own, or the time since its start while it runs.
    static func duration(_ run: JobRun, now: Date) -> Double? {
        run.duration ?? (run.isOpen ? run.start.map { max(0, now.timeIntervalSince($0)) } : nil)
    }

    /// The overview's "Jobs" table; nothing without jobs.
    static func overview(_ w: inout HTMLWriter, _ entries: [JobBoard.Entry], local: LocalTime, now: Date) {
        guard !entries.isEmpty else { return }
        let problems = entries.filter { $0.status.state.isProblem }.count
        w.element(.h2, text: "Jobs" + (problems > 0 ? " (\(problems) with a problem)" : ""))
        w.element(.table, [(.class, "jobs")]) { w in
            w.element(.thead) { w in
                w.element(.tr) { w in
                    for h in ["Job", "Device", "State", "Last run", "Duration", "Next due"] { w.element(.th, text: h) }
                }
            }
            w.element(.tbody) { w in
                for e in ordered(entries) { overviewRow(&w, e, local: local, now: now) }
            }
        }
    }

    private static func overviewRow(_ w: inout HTMLWriter, _ e: JobBoard.Entry, local: LocalTime, now: Date) {
        w.element(.tr) { w in
            w.element(.td) { $0.element(.a, [(.href, "/jobs/\(e.record.name)")], text: e.record.name) }
            w.element(.td) { $0.element(.a, [(.href, "/devices/\(e.record.device)")], text: e.record.device) }
            w.element(.td) { state(&$0, e.status.state) }
            let last = e.runs.first
            w.element(.td) { w in
                if let last { time(&w, last.at, local) } else { w.element(.span, [(.class, "mute")], text: "never") }
            }
            w.element(.td, [(.class, "num")], text: last.flatMap { duration($0, now: now) }.map(Durations.text) ?? "–")
            w.element(.td) { time(&$0, e.status.due, local) }
        }
    }

    /// The device page's list of its jobs: name (a link), state.
    static func device(_ w: inout HTMLWriter, _ entries: [JobBoard.Entry]) {
        guard !entries.isEmpty else { return }
        w.element(.h2, text: "Jobs")
        w.element(.ul, [(.class, "sp")]) { w in
            for e in ordered(entries) {
                w.element(.li) { w in
                    state(&w, e.status.state)
                    w.text(" ")
                    w.element(.a, [(.href, "/jobs/\(e.record.name)")], text: e.record.name)
                    w.element(.span, [(.class, "mute")], text: " · " + e.record.spec.schedule.text)
                }
            }
        }
    }
}
