import DowntimeProtocol
import Glibc

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// How big the outbox may grow before it drops events.
public struct OutboxLimits: Sendable, Equatable {
    public var maxCount: Int
    public var maxBytes: Int

    public init(maxCount: Int = 10_000, maxBytes: Int = 8 << 20) {
        self.maxCount = maxCount
        self.maxBytes = maxBytes
    }
}
