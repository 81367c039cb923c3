/// Durations as people write them in settings: `30s`, `15m`, `4h`, `1d` (a whole number and one unit).
public enum HumanDuration {
    /// The seconds `text` says, or nil when it is not such a duration.
    public static func seconds(_ text: String) -> Double? {
        guard let unit = text.last, let n = Int(text.dropLast()), n > 0 else { return nil }
        switch unit {
        case "s": return Double(n)
        case "m": return Double(n) * 60
        case "h": return Double(n) * 3600
        case "d": return Double(n) * 86_400
        default: return nil
        }
    }
}
