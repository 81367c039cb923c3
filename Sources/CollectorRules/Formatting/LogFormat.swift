import DowntimeProtocol
import Foundation

/// The per-device log as text lines and CSV rows (pure).
public enum LogFormat {
    /// What an event says, in words: `outage cause=power_loss start=… end=… duration=1h 2m 3s`.
    /// ISO 8601 with an explicit offset (`+00:00`, never `Z`), as the log and the page titles show times.
    public static func isoOffset(_ d: Date, offsetSeconds: Int = 0) -> String {
        let text = WireTime.format(d, offsetSeconds: offsetSeconds, millis: false)
        return text.hasSuffix("Z") ? String(text.dropLast()) + "+00:00" : text
    }

    public static func detail(_ e: Event, offsetSeconds: Int = 0) -> String {
        func t(_ d: Date) -> String { isoOffset(d, offsetSeconds: offsetSeconds) }
        switch e.payload {
        case .agentStarted(let v): return "agent version \(v)"
        case .outage(let outage):
            var text = "cause=\(outage.cause.rawValue) (\(outage.cause.label))"
            if let start = outage.start { text += " start=\(t(start))" }
            if let end = outage.end { text += " end=\(t(end))" }
            if let duration = outage.durationS { text += " duration=\(Durations.text(duration))" }
            if !outage.clockSynced { text += " clock=unsynced" }
            if let words = outage.powerEvidence { text += "; \(words)" }
            return text
        case .collectorUnreachable(let start, let end):
            return "collector unreachable from \(t(start)) to \(t(end)) "
                + "(\(Durations.text(end.timeIntervalSince(start))))"
        case .clockJump(let d): return "wall clock jumped by \(String(format: "%+.1f", d)) s"
        case .shutdown: return "clean shutdown"
        case .outboxDropped(let n, let kinds):
            return "agent outbox full: dropped \(n) event(s) of kinds \(kinds.joined(separator: ","))"
        case .storage(.ok, let path): return "state folder \(path) writable again: what was held in memory is saved"
        case .storage(let state, let path): return "state folder \(path) \(state.label): running from memory"
        case .flip(let f): return "\(f.from.rawValue) -> \(f.to.rawValue): \(f.reason)"
        case .powerWarning(.appeared, let w): return "power warning: \(w) now (the device's firmware flags)"
        case .powerWarning(.cleared, let w): return "power warning cleared: no more \(w)"
        case .check(let c):
            let change = "check \(c.name): \(c.from?.rawValue ?? "first seen") -> \(c.to.rawValue)"
            return c.detail.isEmpty ? change : "\(change) (\(c.detail))"
        case .maintenanceStart(let m):
            return "maintenance announced from \(t(m.start)) "
                + (m.untilBack ? "until back after a reboot, at most to " : "to ")
                + t(m.end) + (m.reason.isEmpty ? "" : ": \(m.reason)")
        case .maintenanceEnd(let back):
            return back ? "maintenance ended: the device is back after its reboot" : "maintenance ended by the device"
        case .jobStart(let j): return "job \(j.name) started (run \(j.rid))"
        case .jobEnd(let j): return jobEnd(j)
        case .jobFlip(let f):
            return "job \(f.name): \(f.from.rawValue) -> \(f.to.rawValue)" + (f.reason.isEmpty ? "" : " (\(f.reason))")
        case .ack(let by, let since): return "outage since \(t(since)) acknowledged by \(by)"
        case .collectorDown(let start, let end):
            return "collector not running from \(t(start)) to \(t(end)) "
                + "(\(Durations.text(end.timeIntervalSince(start)))); status unknown"
        }
    }

    /// A job run's end in words: its outcome and duration; the output is on the job's page, not in the log line.
    static func jobEnd(_ j: JobEnd) -> String {
        var text = "job \(j.name) ended (run \(j.rid)): "
        if let signal = j.signal {
            text += "killed by signal \(signal)"
        } else if let code = j.exitCode {
            text += code == 0 ? "succeeded" : "failed with exit code \(code)"
        } else {
            text += "failed"
        }
        if !j.reason.isEmpty { text += " (\(j.reason))" }
        if let d = j.durationS { text += " after \(Durations.text(d))" }
        return text
    }

    /// One line of `log.txt`: ISO 8601 time with offset, kind, detail.
    public static func line(_ e: Event, offsetSeconds: Int = 0) -> String {
        let at = isoOffset(e.at, offsetSeconds: offsetSeconds)
        return "\(at) \(e.device) \(e.kind.rawValue) \(detail(e, offsetSeconds: offsetSeconds))"
    }

    public static let csvHeader = "time,device,kind,id,detail"

    public static func csvRow(_ e: Event) -> String {
        [WireTime.format(e.at), e.device, e.kind.rawValue, e.id.wireString, detail(e)].map(csvField).joined(
            separator: ",")
    }

    /// The incidents export's columns (docs/DESIGN.md "Sites and incidents"): devices and unaffected are space
    /// separated.
    public static let incidentCSVHeader = "id,kind,site,start,end,duration_s,devices,unaffected,collector_down"

    public static func csvRow(_ i: Incident) -> String {
        [
            i.id, i.kind.rawValue, i.site, WireTime.format(i.start), i.end.map { WireTime.format($0) } ?? "",
            i.end.map { String(Int(i.durationS(now: $0).rounded())) } ?? "", i.deviceNames.joined(separator: " "),
            i.unaffected.joined(separator: " "), i.collectorDown ? "true" : "false",
        ].map(csvField).joined(separator: ",")
    }

    package static func csvField(_ s: String) -> String {
        // Also defuses spreadsheet formulas, since details can hold device-made text.
        var field = s
        if let first = field.first, "=+-@".contains(first) { field = "'" + field }
        if field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return field
    }
}
