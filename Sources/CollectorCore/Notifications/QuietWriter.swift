import CollectorRules
import DowntimeProtocol
import Foundation

/// Puts a quiet hours' summary into words (docs/DESIGN.md "Quiet hours"): "While quiet: pi-shed down 02:13–02:40 (27m,
/// power loss); nas-cam still down since 03:05." Times are local, the day named only when not the window's last.
enum QuietWriter {
    /// Nil when there is nothing to tell (no summary is sent).
    static func notification(_ summary: QuietSummary, time: LocalTime) -> Notification? {
        guard !summary.lines.isEmpty || !summary.notes.isEmpty else { return nil }
        let end = summary.window.end
        func short(_ d: Date) -> String {
            time.day(d) == time.day(end) ? time.clock(d) : "\(time.day(d)) \(time.clock(d))"
        }
        let parts = summary.lines.map { line -> String in
            let cause = line.cause.label
            guard let back = line.end else {
                let many = line.outages > 1 ? " (after \(line.outages - 1) short outage(s))" : ""
                return "\(line.device) still down since \(short(line.start))\(many), \(cause)"
            }
            let long = Durations.text(line.down)
            let how = line.outages > 1 ? "\(line.outages) outages, \(long) down in all" : long
            return "\(line.device) down \(short(line.start))–\(short(back)) (\(how), \(cause))"
        }
        let zone = time.abbreviation(end)
        let span = "\(short(summary.window.start))–\(time.clock(end)) \(zone)"
        let notes = summary.notes.map { note($0, time: short($0.at)) }
        let devices = Array(Set(summary.lines.map(\.device))).sorted()
        let still = summary.lines.filter { $0.end == nil }.count
        let title =
            "While quiet (\(span)): "
            + (devices.isEmpty
                ? "\(notes.count) message\(notes.count == 1 ? "" : "s")"
                : "\(devices.count) device\(devices.count == 1 ? "" : "s")"
                    + (still > 0 ? ", \(still) still down" : ""))
        var text = "While quiet (\(span)): " + (parts.isEmpty ? "no outage" : parts.joined(separator: "; ")) + "."
        if !notes.isEmpty { text += " Also: " + notes.joined(separator: "; ") + "." }
        return Notification(
            kind: .quiet, devices: Array(Set(devices + summary.notes.map(\.device))).sorted(), title: title,
            text: text, at: end)
    }

    /// "pi-new first reported 02:20", "pi-a: check web failing 03:10 (HTTP 502)", "UPS ups@nas: mains out... 03:00".
    private static func note(_ note: QuietSummary.Note, time at: String) -> String {
        let d = note.device
        switch note.what {
        case .new: return "\(d) first reported \(at)"
        case .check(let name, let to, let detail):
            return "\(d): check \(name) \(to.rawValue) \(at)" + (detail.isEmpty ? "" : " (\(detail))")
        case .storage(let state): return "\(d): storage \(state.label) \(at)"
        case .powerWarning(let state, let words): return "\(d): power warning \(state.rawValue) \(at) (\(words))"
        case .ups(let words): return "UPS \(d): \(words) \(at)"
        case .job(let f):
            return JobChange.message(job: f.name, device: d, from: f.from, to: f.to, reason: f.reason) + " \(at)"
        }
    }
}
