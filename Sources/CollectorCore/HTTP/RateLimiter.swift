import Foundation
import Synchronization

/// Token buckets per key (a client address, a device), on an injected clock.
public final class RateLimiter: Sendable {
    struct Bucket {
        var tokens: Double
        var at: Date
    }

    public let limit: RateLimit
    let clock: any WallClock
    /// Past this many keys, full buckets are forgotten (they hold nothing a new bucket would not).
    let maxKeys: Int
    private let buckets = Mutex<[String: Bucket]>([:])

    public init(_ limit: RateLimit, clock: any WallClock, maxKeys: Int = 10_000) {
        self.limit = limit
        self.clock = clock
        self.maxKeys = maxKeys
    }

    /// Takes one request from `key`'s bucket: nil when allowed, else the whole seconds to wait (at least 1).
    public func take(_ key: String) -> Int? {
        let now = clock.now()
        let limit = self.limit
        let refusal = limit.perSecond > 0 ? max(1, Int((1 / limit.perSecond).rounded(.up))) : Int.max
        return buckets.withLock { buckets in
            if buckets[key] == nil, buckets.count >= maxKeys {
                buckets = buckets.filter { Self.refilled($0.value, now: now, limit: limit).tokens < limit.burst }
                // Still full of busy keys: a new key waits rather than memory growing without bound.
                if buckets.count >= maxKeys { return refusal }
            }
            var b =
                buckets[key].map { Self.refilled($0, now: now, limit: limit) } ?? Bucket(tokens: limit.burst, at: now)
            defer { buckets[key] = b }
            if b.tokens >= 1 {
                b.tokens -= 1
                return nil
            }
            guard limit.perSecond > 0 else { return Int.max }
            return max(1, Int(((1 - b.tokens) / limit.perSecond).rounded(.up)))
        }
    }

    /// The whole seconds `key` must wait before `take` would allow it (at least 1), or nil: nothing is taken.
    public func waiting(_ key: String) -> Int? {
        let now = clock.now()
        let limit = self.limit
        return buckets.withLock { buckets in
            guard let stored = buckets[key] else { return nil }
            let b = Self.refilled(stored, now: now, limit: limit)
            guard b.tokens < 1 else { return nil }
            guard limit.perSecond > 0 else { return Int.max }
            return max(1, Int(((1 - b.tokens) / limit.perSecond).rounded(.up)))
        }
    }

    /// Throws a 429 naming `field` when `key` is over its limit.
    func check(_ key: String, field: String? = nil) throws {
        if let wait = take(key) {
            throw APIError(.tooManyRequests, "too many requests; retry in \(wait) s", field: field, retryAfter: wait)
        }
    }

    /// How many keys are tracked (bounded by `maxKeys`).
    public var keyCount: Int { buckets.withLock { $0.count } }

    private static func refilled(_ b: Bucket, now: Date, limit: RateLimit) -> Bucket {
        // A wall clock stepped back refills nothing rather than draining.
        let elapsed = max(0, now.timeIntervalSince(b.at))
        return Bucket(tokens: min(limit.burst, b.tokens + elapsed * limit.perSecond), at: now)
    }
}
