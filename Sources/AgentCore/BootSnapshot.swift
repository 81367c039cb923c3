import CCurl
import Glibc

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The facts at one moment, as plain values for the pure decisions.
public struct BootSnapshot: Sendable, Equatable {
    public var bootID: String
    public var now: Date
    public var uptime: Double
    public var monotonic: Double
    public var clockSynced: Bool

    public init(bootID: String, now: Date, uptime: Double, monotonic: Double, clockSynced: Bool) {
        self.bootID = bootID
        self.now = now
        self.uptime = uptime
        self.monotonic = monotonic
        self.clockSynced = clockSynced
    }
}
