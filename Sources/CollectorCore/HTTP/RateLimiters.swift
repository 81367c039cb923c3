import Foundation
import Synchronization

/// The limiters the routes use.
struct RateLimiters: Sendable {
    let enroll: RateLimiter
    let ingest: RateLimiter
    let passwordFailures: RateLimiter

    init(_ limits: RateLimits, clock: any WallClock) {
        enroll = RateLimiter(limits.enrollPerAddress, clock: clock)
        ingest = RateLimiter(limits.ingestPerDevice, clock: clock)
        passwordFailures = RateLimiter(limits.passwordFailuresPerAddress, clock: clock)
    }
}
