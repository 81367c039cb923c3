/// A device's power warning (under-voltage or throttling now) appearing or clearing: the collector's
/// `power_warning` log event, made from two consecutive beats' `health`.
public enum PowerWarningState: String, Codable, Sendable, CaseIterable {
    case appeared
    case cleared

    /// The change between the previous beat's health and this one's, with the warnings' words; nil when none.
    /// A beat without power flags says nothing (unknown is not "cleared").
    public static func change(from old: DeviceHealth?, to new: DeviceHealth?) -> (
        state: PowerWarningState, words: String
    )? {
        guard let new, new.knowsPower else { return nil }
        let before = old.map(nowWarnings) ?? []
        let after = nowWarnings(new)
        if before.isEmpty, !after.isEmpty { return (.appeared, after.joined(separator: ", ")) }
        if !before.isEmpty, after.isEmpty { return (.cleared, before.joined(separator: ", ")) }
        return nil
    }

    static func nowWarnings(_ h: DeviceHealth) -> [String] {
        (h.underVoltageNow == true ? ["under-voltage"] : []) + (h.throttledNow == true ? ["throttled"] : [])
    }
}
