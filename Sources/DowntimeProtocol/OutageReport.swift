#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// An outage the agent found by gap detection.
public struct OutageReport: Sendable, Hashable {
    public var cause: OutageCause
    /// Last time the device was known alive; absent only for `unknown`.
    public var start: Date?
    /// When the device was back; absent while the agent's clock is unsynced (then `uptimeS` is given).
    public var end: Date?
    public var durationS: Double?
    /// How far `start` may be off (the persist interval), in seconds.
    public var precisionS: Double
    public var clockSynced: Bool
    /// Seconds since boot when reported; lets the collector anchor `end` with its own clock.
    public var uptimeS: Double?
    /// Power evidence from the boot that ended: the last time the agent saw the device's firmware report
    /// under-voltage (or throttling). Absent when it saw none or cannot tell (not a Pi, an older agent).
    public var underVoltageSeen: Date?
    public var throttledSeen: Date?

    public init(
        cause: OutageCause, start: Date?, end: Date?, durationS: Double?, precisionS: Double,
        clockSynced: Bool, uptimeS: Double? = nil, underVoltageSeen: Date? = nil, throttledSeen: Date? = nil
    ) {
        self.cause = cause
        self.start = start
        self.end = end
        self.durationS = durationS
        self.precisionS = precisionS
        self.clockSynced = clockSynced
        self.uptimeS = uptimeS
        self.underVoltageSeen = underVoltageSeen
        self.throttledSeen = throttledSeen
    }

    /// "under-voltage last seen 40 s before the last-alive time", or nil without evidence.
    public var powerEvidence: String? {
        var parts: [String] = []
        for (what, seen) in [("under-voltage", underVoltageSeen), ("throttling", throttledSeen)] {
            guard let seen else { continue }
            guard let start else {
                parts.append("\(what) last seen at \(WireTime.format(seen))")
                continue
            }
            let before = start.timeIntervalSince(seen)
            let words = before < 120 ? "\(max(0, Int(before.rounded()))) s" : "\(Int((before / 60).rounded())) min"
            parts.append("\(what) last seen \(words) before the last-alive time")
        }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }
}
