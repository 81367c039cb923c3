import Foundation
import Synchronization

/// The collector's rate limits.
public struct RateLimits: Sendable, Equatable {
    /// Enrollment attempts per client address: a few at once, then one every 12 s, so guessing the key gets nowhere.
    public var enrollPerAddress = RateLimit(burst: 5, perSecond: 1.0 / 12)
    /// Heartbeats and event batches per device. An agent beats once per interval (at least 1 s) and sends
    /// a few batches, so it never comes near this; a runaway or stolen token does.
    public var ingestPerDevice = RateLimit(burst: 60, perSecond: 10)
    /// Wrong page passwords per client address: guessing stays slow.
    public var passwordFailuresPerAddress = RateLimit(burst: 10, perSecond: 1.0 / 6)

    public init() {}
}
