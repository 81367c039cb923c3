import DowntimeProtocol
import Foundation

/// Human durations: `45s`, `3m 20s`, `2h 5m`, `3d 4h`.
public enum Durations {
    /// Reads `90s`, `30m`, `2h` or `1d` (a positive whole number and a unit).
    public static func parse(_ s: String) -> TimeInterval? {
        guard let unit = s.last, let n = Int(s.dropLast()), n > 0 else { return nil }
        switch unit {
        case "s": return TimeInterval(n)
        case "m": return TimeInterval(n * 60)
        case "h": return TimeInterval(n * 3600)
        case "d": return TimeInterval(n * 86_400)
        default: return nil
        }
    }

    public static func text(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m \(s % 60)s" }
        if s < 86_400 { return "\(s / 3600)h \(s % 3600 / 60)m" }
        return "\(s / 86_400)d \(s % 86_400 / 3600)h"
    }

    /// A clock's step or offset in seconds, signed, to a tenth ("+3.5").
    public static func signedSeconds(_ s: Double) -> String {
        String(format: "%+.1f", s)
    }
}
