import Foundation

/// The name a device shows on public status pages (`device display NAME "Front door camera"`): its real name is
/// never shown there.
public enum DisplayName {
    public static let maxLength = 60

    /// The name trimmed; nil when empty, too long or holding control characters.
    public static func normalize(_ raw: String) -> String? { clean(raw, max: maxLength) }

    /// `raw` trimmed when it is 1 to `max` characters without control characters.
    public static func clean(_ raw: String, max: Int) -> String? {
        let t = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...max).contains(t.count),
            !t.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return nil }
        return t
    }

    /// What a device without a display name is called on a status page: "Device 1", "Device 2"...
    public static func standIn(_ n: Int) -> String { "Device \(n)" }
}
