import CollectorRules
import Foundation
import Logging
import NIOSSL
import PostgresNIO

/// The store for several collectors: one PostgreSQL database (or one schema of it) shared by all.
/// `SQLStore` over `PostgresExecutor`: the same tables and behaviour as `SQLiteStore`; times are epoch
/// seconds, so both round-trip alike.
public final class PostgresStore: SQLStore, SharedStore {
    public let url: PostgresURL
    /// The schema the tables live in; nil is the server's default (`public`).
    public let schema: String?
    let executor: PostgresExecutor
    let session = StoreSession()
    /// Every call through it has a deadline, and a pool that cannot reach the database is renewed.
    var client: BoundedPostgresClient { executor.client }
    var logger: Logger { executor.logger }

    private init(url: PostgresURL, schema: String?, executor: PostgresExecutor) {
        self.url = url
        self.schema = schema
        self.executor = executor
    }

    /// Seconds a store call waits for the database: beyond it the client gets 503 and retries.
    public static let defaultTimeout: Double = 2
    /// For the statements that may run long on a big store: retention, a full export, copying a store.
    public static let longTimeout: Double = 300

    /// Connects, creates or migrates the tables and returns the store. A bad address, a refused
    /// login or a server that is down fail here, within seconds, as a `ConfigError` naming the URL.
    /// `timeout`: seconds a store call may wait for the database before it fails as `StoreTimeout`.
    public static func open(
        _ url: PostgresURL, schema: String? = nil, timeout: Double = defaultTimeout,
        logger: Logger = Logger(label: "downtime-collector.postgres")
    ) async throws -> PostgresStore {
        if let schema,
            schema.isEmpty || !schema.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") })
        {
            throw ConfigError(key: "schema", message: "must be lower-case letters, digits and _")
        }
        do {
            try await migrate(url, schema: schema, logger: logger)
        } catch let e as ConfigError {
            throw e
        } catch {
            throw ConfigError(key: "--database", message: "cannot use \(url): \(describe(error))")
        }
        let client = pool(url, schema: schema, timeout: timeout, logger: logger)
        return PostgresStore(url: url, schema: schema, executor: PostgresExecutor(client: client, logger: logger))
    }

    /// Applies the missing migrations on a connection of their own.
    private static func migrate(_ url: PostgresURL, schema: String?, logger: Logger) async throws {
        let conn = try await connect(url, schema: schema, logger: logger)
        do {
            try await migrate(conn, schema: schema, logger: logger)
            try await conn.close()
        } catch {
            try? await conn.close()
            throw error
        }
    }

    /// The connection pool of the store's calls, each with a deadline of `timeout` seconds.
    private static func pool(_ url: PostgresURL, schema: String?, timeout: Double, logger: Logger)
        -> BoundedPostgresClient
    {
        var config = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password,
            database: url.database, tls: clientTLS(url))
        config.options.connectTimeout = .seconds(5)
        if let schema { config.options.additionalStartupParameters = [("search_path", schema)] }
        var background = logger
        background.logLevel = .error
        return BoundedPostgresClient(timeout: timeout) { [config, background] in
            PostgresClient(configuration: config, backgroundLogger: background)
        }
    }

    /// A dedicated connection outside the pool (migrations; the leader's advisory lock lives on one).
    static func connect(_ url: PostgresURL, schema: String?, logger: Logger) async throws -> PostgresConnection {
        var config = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password,
            database: url.database, tls: try connectionTLS(url))
        config.options.connectTimeout = .seconds(5)
        if let schema { config.options.additionalStartupParameters = [("search_path", schema)] }
        var quiet = logger
        quiet.logLevel = .error
        return try await PostgresConnection.connect(configuration: config, id: 1, logger: quiet)
    }

    static func clientTLS(_ url: PostgresURL) -> PostgresClient.Configuration.TLS {
        guard let config = url.tlsConfiguration else { return .disable }
        return url.requireTLS ? .require(config) : .prefer(config)
    }

    static func connectionTLS(_ url: PostgresURL) throws -> PostgresConnection.Configuration.TLS {
        guard let config = url.tlsConfiguration else { return .disable }
        let context = try NIOSSLContext(configuration: config)
        return url.requireTLS ? .require(context) : .prefer(context)
    }

    /// The migrations applied, oldest first.
    public func appliedMigrations() async throws -> [String] {
        try await executor.statements { conn in
            try await conn.query("SELECT version FROM schema_migrations ORDER BY applied_at, version") {
                try $0.string("version")
            }
        }
    }

    /// Rows per table of `StoreMigration.tables`.
    public func rowCounts() async throws -> [String: Int] { try await countRows() }
}

// MARK: several collectors

extension PostgresStore {
    public func makeLeaderLock(logger: Logger) -> any LeaderLock {
        PostgresLeaderLock(url: url, schema: schema, logger: logger)
    }

    public func storedBeats() async throws -> [String: BeatState] {
        let devices = try await executor.statements { conn in
            try await conn.query(self.sql.devicesWithBeat) { try $0.deviceRecord() }
        }
        var out: [String: BeatState] = [:]
        for d in devices { out[d.name] = d.beat }
        return out
    }
}
