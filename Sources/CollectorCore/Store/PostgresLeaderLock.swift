import Foundation
import Logging
import PostgresNIO

/// A PostgreSQL session advisory lock on a dedicated connection: held while the connection lives,
/// freed by the server as soon as the holder's process dies or its connection breaks.
public actor PostgresLeaderLock: LeaderLock {
    private let url: PostgresURL
    private let schema: String?
    private let logger: Logger
    private var connection: PostgresConnection?
    private var leading = false

    public init(url: PostgresURL, schema: String?, logger: Logger) {
        self.url = url
        self.schema = schema
        self.logger = logger
    }

    deinit {
        // A connection must be closed before it goes; the task keeps it until then.
        if let connection { Task { try? await connection.close() } }
    }

    public func holdsLead() async -> Bool {
        do {
            let conn: PostgresConnection
            if let connection {
                conn = connection
            } else {
                let (url, schema, logger) = (url, schema, logger)
                conn = try await StoreTimeout.bounded(Self.timeout) {
                    try await PostgresStore.connect(url, schema: schema, logger: logger)
                }
                connection = conn
            }
            let logger = logger
            if leading {
                // Still connected means still holding it; a connection that does not answer is lost.
                _ = try await StoreTimeout.bounded(Self.timeout) { try await conn.query("SELECT 1", logger: logger) }
                return true
            }
            // One key per schema, so test schemas (and several installations in one database) do not share a leader.
            let taken = try await StoreTimeout.bounded(Self.timeout) {
                try await conn.query(
                    "SELECT pg_try_advisory_lock(hashtext('downtimemon-leader:' || current_schema()))",
                    logger: logger
                ).collect().first?.decode(Bool.self) ?? false
            }
            leading = taken
            if leading { logger.notice("this collector now leads: it runs the liveness sweep and notifications") }
            return leading
        } catch is CancellationError {
            return leading // shutting down: `release` follows
        } catch {
            if leading {
                logger.warning("lost the lead (its database connection failed: \(PostgresStore.describe(error)))")
            }
            leading = false
            // Closing a connection to a vanished server may itself hang: let it go in the background.
            if let old = connection { Task { try? await old.close() } }
            connection = nil
            return false
        }
    }

    /// Seconds for connecting and for each statement on the lock's connection.
    static let timeout = PostgresStore.defaultTimeout

    public func release() async {
        // Unlocked before the connection goes: the server frees a closed session's locks only once its
        // backend has exited, and the next collector should not wait a sweep for that.
        let logger = logger
        if leading, let conn = connection {
            _ = try? await StoreTimeout.bounded(Self.timeout) {
                try await conn.query("SELECT pg_advisory_unlock_all()", logger: logger)
            }
        }
        leading = false
        if let old = connection { Task { try? await old.close() } }
        connection = nil
    }
}
