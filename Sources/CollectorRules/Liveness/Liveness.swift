import DowntimeProtocol
import Foundation

/// The pure liveness rule of docs/DESIGN.md ("Liveness on the collector").
public enum Liveness {
    /// Returns the status of a device at the frozen time `now`.
    ///
    /// - `paused` when an admin paused it, whatever its beats;
    /// - `new` when it never beat;
    /// - `up` while `now < lastBeat + interval + grace`;
    /// - `late` from then until `lastBeat + misses × interval + grace`;
    /// - `down` from that deadline on.
    ///
    /// `windowStart` (the collector's own start, or a resume) moves the reference point forward:
    /// a device gets a fresh window after it, since the collector could not have heard it before.
    /// Pass nil for a device already recorded down, which stays down until it beats.
    public static func status(
        lastBeat: Date?, interval: TimeInterval, paused: Bool, now: Date,
        policy: LivenessPolicy, windowStart: Date? = nil
    ) -> DeviceStatus {
        if paused { return .paused }
        guard let lastBeat else { return .new }
        let reference = max(lastBeat, windowStart ?? lastBeat)
        if now < reference + interval + policy.grace { return .up }
        if now < downDeadline(reference: reference, interval: interval, policy: policy) { return .late }
        return .down
    }

    /// The moment a device whose clock starts at `reference` turns down without another beat.
    public static func downDeadline(reference: Date, interval: TimeInterval, policy: LivenessPolicy) -> Date {
        reference + Double(policy.misses) * interval + policy.grace
    }
}
