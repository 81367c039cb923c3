import DowntimeProtocol
import Foundation

/// The per-device log as text lines and CSV rows (pure).
public enum LogFormat {
    /// What an event says, in words: `outage cause=power_loss start=… end=… duration=1h 2m 3s`.
    /// ISO 8601 with an explicit offset (`+00:00`, never `Z`), as the log and the page titles show times.
    public static func isoOffset(_ d: Date, offsetSeconds: Int = 0) -> String {
        let s = WireTime.format(d, offsetSeconds: offsetSeconds, millis: false)
        return s.hasSuffix("Z") ? String(s.dropLast()) + "+00:00" : s
    }

    public static func detail(_ e: Event, offsetSeconds: Int = 0) -> String {
        func t(_ d: Date) -> String { isoOffset(d, offsetSeconds: offsetSeconds) }
        switch e.payload {
        case .agentStarted(let v): return "agent version \(v)"
        case .outage(let o):
            var s = "cause=\(o.cause.rawValue) (\(o.cause.label))"
            if let start = o.start { s += " start=\(t(start))" }
            if let end = o.end { s += " end=\(t(end))" }
            if let d = o.durationS { s += " duration=\(Durations.text(d))" }
            if !o.clockSynced { s += " clock=unsynced" }
            if let words = o.powerEvidence { s += "; \(words)" }
            return s
        case .collectorUnreachable(let s, let end):
            return "collector unreachable from \(t(s)) to \(t(end)) (\(Durations.text(end.timeIntervalSince(s))))"
        case .clockJump(let d): return "wall clock jumped by \(String(format: "%+.1f", d)) s"
        case .shutdown: return "clean shutdown"
        case .outboxDropped(let n, let kinds): return "agent outbox full: dropped \(n) event(s) of kinds \(kinds.joined(separator: ","))"
        case .storage(.ok, let path): return "state folder \(path) writable again: what was held in memory is saved"
        case .storage(let state, let path): return "state folder \(path) \(state.label): running from memory"
        case .flip(let f): return "\(f.from.rawValue) -> \(f.to.rawValue): \(f.reason)"
        case .powerWarning(.appeared, let w): return "power warning: \(w) now (the device's firmware flags)"
        case .powerWarning(.cleared, let w): return "power warning cleared: no more \(w)"
        case .collectorDown(let s, let end):
            return "collector not running from \(t(s)) to \(t(end)) (\(Durations.text(end.timeIntervalSince(s)))); status unknown"
        }
    }

    /// One line of `log.txt`: ISO 8601 time with offset, kind, detail.
    public static func line(_ e: Event, offsetSeconds: Int = 0) -> String {
        let at = isoOffset(e.at, offsetSeconds: offsetSeconds)
        return "\(at) \(e.device) \(e.kind.rawValue) \(detail(e, offsetSeconds: offsetSeconds))"
    }

    public static let csvHeader = "time,device,kind,id,detail"

    public static func csvRow(_ e: Event) -> String {
        [WireTime.format(e.at), e.device, e.kind.rawValue, e.id.wireString, detail(e)].map(csvField).joined(separator: ",")
    }

    static func csvField(_ s: String) -> String {
        // Also defuses spreadsheet formulas, since details can hold device-made text.
        var v = s
        if let f = v.first, "=+-@".contains(f) { v = "'" + v }
        if v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return v
    }
}
