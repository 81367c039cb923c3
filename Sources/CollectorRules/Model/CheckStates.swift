import DowntimeProtocol
import Foundation

/// The collector's rules for a device's service checks (pure).
public enum CheckStates {
    /// The newest digest, keeping the previous full results when this beat carries the digest alone
    /// (their states are then those the digest counts, or older if it changed and its results went astray).
    public static func merged(_ new: CheckDigest?, previous: CheckDigest?) -> CheckDigest? {
        guard var new else { return nil }
        if new.results == nil { new.results = previous?.results }
        return new
    }

    /// The checks as shown: the newest results, each `unknown` while the device is not up (late still counts
    /// as up: its newest beat is recent), since the device's status changed, with the reason.
    public static func shown(_ checks: CheckDigest?, device: DeviceStatus, since: Date) -> [CheckResult] {
        let results = checks?.results ?? []
        guard device != .up, device != .late else { return results }
        return results.map {
            CheckResult(name: $0.name, state: .unknown, detail: "the device is \(device.rawValue)", since: since)
        }
    }

    /// Failing checks of a device as shown (0 while it is not up).
    public static func failing(_ checks: CheckDigest?, device: DeviceStatus) -> Int {
        guard device == .up || device == .late, let checks else { return 0 }
        return checks.failing
    }

    /// The checks whose state changed from `previous` to the newest full results of `new` (none when the beat
    /// carries the digest alone: it says what changed, not how). A check seen for the first time is a flip from nil.
    /// Dated at the agent's `since` carried to the collector's clock by the beat's `skew`, kept between the previous
    /// beat (the collector knew the old state then) and this one.
    public static func flips(
        device: String, previous: [CheckResult]?, new: CheckDigest?, beatAt: Date, skew: Double, previousBeat: Date?
    ) -> [CheckFlip] {
        guard let results = new?.results else { return [] }
        let before = Dictionary((previous ?? []).map { ($0.name, $0.state) }, uniquingKeysWith: { a, _ in a })
        return results.compactMap { r in
            let from = before[r.name]
            guard from != r.state else { return nil }
            let at = min(beatAt, max(previousBeat ?? .distantPast, r.since + skew))
            return CheckFlip(
                device: device, record: CheckFlipRecord(name: r.name, from: from, to: r.state, detail: r.detail),
                at: at, notify: r.notify)
        }
    }

    /// The checks as the newest stored flip of each left them (after a restart, until the agent sends its results
    /// again), by name.
    public static func restored(_ flips: [CheckFlip]) -> [CheckResult] {
        var newest: [String: CheckFlip] = [:]
        for f in flips where (newest[f.name]?.at ?? .distantPast) <= f.at { newest[f.name] = f }
        return newest.values.map(\.result).sorted { $0.name < $1.name }
    }
}
