import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The connection pool with a deadline on each call: while the database is away, the pool would hold a
/// request until its circuit breaker trips (15 to 60 s); a collector must answer 503 within seconds instead.
/// And a pool that failed for long waits out a growing backoff before it tries the database again (15 s
/// after a 90 s outage): while calls fail, the pool is replaced by a fresh one at most every `renewal`
/// seconds, so the first call after the database's return finds a pool that tries at once.
final class BoundedPostgresClient: Sendable {
    /// Seconds for waiting on a connection plus the statement (a transaction: all of it).
    let timeout: Double
    let renewal: Double
    private let make: @Sendable () -> PostgresClient
    private struct Current {
        var pool: PostgresClient
        var run: Task<Void, Never>
        var since: ContinuousClock.Instant
    }
    private let current: Mutex<Current>

    init(timeout: Double, renewal: Double = 2, make: @escaping @Sendable () -> PostgresClient) {
        self.timeout = timeout
        self.renewal = renewal
        self.make = make
        let pool = make()
        current = Mutex(Current(pool: pool, run: Task { await pool.run() }, since: .now))
    }

    deinit { current.withLock { $0.run.cancel() } }

    /// A statement on a pooled connection; `timeout` for the rare long one (retention, a full export).
    @discardableResult
    func query(_ query: PostgresQuery, logger: Logger? = nil, timeout: Double? = nil) async throws
        -> PostgresRowSequence
    {
        let pool = current.withLock { $0.pool }
        return try await renewing {
            try await StoreTimeout.bounded(timeout ?? self.timeout) { try await pool.query(query, logger: logger) }
        }
    }

    /// `body` in one transaction on a pooled connection.
    func withTransaction<T: Sendable>(
        logger: Logger, timeout: Double? = nil, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let pool = current.withLock { $0.pool }
        return try await renewing {
            try await StoreTimeout.bounded(timeout ?? self.timeout) {
                try await pool.withTransaction(logger: logger) { conn in try await body(conn) }
            }
        }
    }

    /// Runs `call`; when it fails because the database is out of reach, renews a pool older than `renewal`.
    private func renewing<T>(_ call: () async throws -> T) async throws -> T {
        do {
            return try await call()
        } catch {
            if StoreFault.classify(error) == .unavailable { renew() }
            throw error
        }
    }

    private func renew() {
        let old: Task<Void, Never>? = current.withLock { c in
            guard ContinuousClock.now - c.since >= .seconds(renewal) else { return nil }
            let stale = c.run
            let pool = make()
            c = Current(pool: pool, run: Task { await pool.run() }, since: .now)
            return stale
        }
        // Cancelling `run` shuts the old pool down; calls still waiting on it fail and are retried by their clients.
        old?.cancel()
    }
}
