import DowntimeProtocol

/// Decides what of the checks goes in a beat (pure): the digest and counts always; the full results when
/// the states changed since the collector last took them, and once per persist interval (so a collector
/// that restarted, or a second one, learns them within that time).
public struct CheckReport: Sendable, Equatable {
    /// The scheduler's generation the collector last accepted in full; nil: never.
    public private(set) var deliveredGeneration: UInt64?
    /// Monotonic time of that delivery.
    public private(set) var deliveredAt = -Double.infinity

    public init() {}

    /// The beat's `checks` field for these states.
    public func digest(
        _ statuses: [CheckStatus], generation: UInt64, monotonic: Double, persistInterval: Double
    ) -> CheckDigest {
        let full = deliveredGeneration != generation || monotonic - deliveredAt >= persistInterval
        return CheckDigest(of: statuses.map(\.result), full: full)
    }

    /// The collector accepted a beat carrying `digest`, made from `generation`.
    public mutating func accepted(_ digest: CheckDigest, generation: UInt64, monotonic: Double) {
        guard digest.results != nil else { return }
        deliveredGeneration = generation
        deliveredAt = monotonic
    }
}

extension CheckStatus {
    var result: CheckResult { CheckResult(name: name, state: state, detail: detail, since: since, notify: notify) }
}
