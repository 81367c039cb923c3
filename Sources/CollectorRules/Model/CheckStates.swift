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
}
