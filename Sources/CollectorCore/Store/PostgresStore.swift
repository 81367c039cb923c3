import CollectorRules
import DowntimeProtocol
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import Synchronization

/// The store for several collectors: one PostgreSQL database (or one schema of it) shared by all.
/// Same tables and behaviour as `SQLiteStore`; times are epoch seconds, so both round-trip alike.
public final class PostgresStore: SharedStore {
    public let url: PostgresURL
    /// The schema the tables live in; nil is the server's default (`public`).
    public let schema: String?
    /// Every call through it has a deadline, and a pool that cannot reach the database is renewed.
    let client: BoundedPostgresClient
    let logger: Logger
    private struct State {
        /// Bumps of the change counter this instance made itself (they are not "external").
        var ownChanges = 0
        /// This collector's run row, kept alive by `saveBeats`.
        var runStartedAt: Double?
    }
    private let state = Mutex(State())

    private init(url: PostgresURL, schema: String?, client: BoundedPostgresClient, logger: Logger) {
        self.url = url
        self.schema = schema
        self.client = client
        self.logger = logger
    }

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
            let conn = try await connect(url, schema: schema, logger: logger)
            do {
                try await migrate(conn, schema: schema, logger: logger)
                try await conn.close()
            } catch {
                try? await conn.close()
                throw error
            }
        } catch let e as ConfigError {
            throw e
        } catch {
            throw ConfigError(key: "--database", message: "cannot use \(url): \(describe(error))")
        }
        var config = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password,
            database: url.database, tls: clientTLS(url))
        config.options.connectTimeout = .seconds(5)
        if let schema { config.options.additionalStartupParameters = [("search_path", schema)] }
        var background = logger
        background.logLevel = .error
        let pools = BoundedPostgresClient(timeout: timeout) { [config, background] in
            PostgresClient(configuration: config, backgroundLogger: background)
        }
        return PostgresStore(url: url, schema: schema, client: pools, logger: logger)
    }

    /// Seconds a store call waits for the database: beyond it the client gets 503 and retries.
    public static let defaultTimeout: Double = 2
    /// For the statements that may run long on a big store: retention, a full export, copying a store.
    public static let longTimeout: Double = 300

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

    /// A database error in words: PostgresNIO hides details from `description` on purpose.
    static func describe(_ error: any Error) -> String {
        if let e = error as? PostgresTransactionError {
            return describe(e.closureError ?? e.commitError ?? e.beginError ?? e.rollbackError ?? error)
        }
        guard let e = error as? PSQLError else { return describeTransport(error) }
        if e.code == .sslUnsupported { return "the server does not offer TLS, which the URL's sslmode requires" }
        if let message = e.serverInfo?[.message] { return message }
        if let underlying = e.underlying {
            // NIOSSL's errors name BoringSSL's internals; say what to check instead.
            let text = "\(underlying)"
            if text.contains("CERTIFICATE_VERIFY_FAILED") {
                return
                    "TLS: the server's certificate is not signed by a trusted CA (is sslrootcert the CA that signed it?)"
            }
            if text.contains("failedToValidateHostname") {
                return "TLS: the server's certificate does not name the URL's host (sslmode=verify-full)"
            }
            return underlying is NIOSSLError || e.code == .failedToAddSSLHandler
                ? "TLS failed: \(text)" : describeTransport(underlying)
        }
        return e.code.description
    }

    /// The errno text of a failed connection ("Connection refused"), not NIO's nested error dump.
    static func describeTransport(_ error: any Error) -> String {
        if let c = error as? NIOConnectionError {
            if c.dnsAError != nil || c.dnsAAAAError != nil { return "cannot resolve the host name \(c.host)" }
            if let first = c.connectionErrors.first { return describeTransport(first.error) }
        }
        if let io = error as? IOError {
            let why = FileProblem.text(io.errnoCode)
            return io.errnoCode == ECONNREFUSED ? "\(why): is PostgreSQL running and listening there?" : why
        }
        if let channel = error as? ChannelError, case .connectTimeout = channel {
            return "no answer within the connect timeout: is the host up and the port open?"
        }
        return "\(error)"
    }

    // MARK: migrations

    /// Each migration is a list of statements (the extended protocol takes one at a time), applied once, in order.
    static let migrations: [(version: String, statements: [String])] = [
        (
            "v1",
            [
                """
                CREATE TABLE device (
                    name TEXT PRIMARY KEY NOT NULL,
                    token_hash BYTEA NOT NULL UNIQUE,
                    created_at DOUBLE PRECISION NOT NULL,
                    paused BOOLEAN NOT NULL DEFAULT false,
                    interval_override BIGINT,
                    tags TEXT NOT NULL DEFAULT '',
                    status TEXT NOT NULL,
                    status_since DOUBLE PRECISION NOT NULL,
                    beat_at DOUBLE PRECISION, interval_s BIGINT, agent_version TEXT, boot_id TEXT,
                    clock_skew_s DOUBLE PRECISION, clock_synced BOOLEAN, uptime_s DOUBLE PRECISION, seq BIGINT
                )
                """,
                """
                CREATE TABLE event (
                    seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                    id UUID NOT NULL UNIQUE,
                    device TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    at DOUBLE PRECISION NOT NULL,
                    received_at DOUBLE PRECISION NOT NULL,
                    body BYTEA NOT NULL
                )
                """,
                "CREATE INDEX event_device_at ON event(device, at, seq)",
                "CREATE TABLE collector_run (started_at DOUBLE PRECISION PRIMARY KEY NOT NULL, alive_at DOUBLE PRECISION NOT NULL)",
                "CREATE TABLE maintenance (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, spec TEXT NOT NULL)",
                """
                CREATE TABLE daily_availability (
                    device TEXT NOT NULL, day TEXT NOT NULL, down_s DOUBLE PRECISION NOT NULL, known_s DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (device, day)
                )
                """,
                """
                CREATE TABLE delivery (
                    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, at DOUBLE PRECISION NOT NULL, device TEXT NOT NULL,
                    devices TEXT NOT NULL, notifier TEXT NOT NULL, kind TEXT NOT NULL, attempt BIGINT NOT NULL, ok BOOLEAN NOT NULL,
                    detail TEXT NOT NULL
                )
                """,
                "CREATE INDEX delivery_device ON delivery(device, at)",
                // Bumped by every admin change and flip, so other collectors and the CLI notice (SQLite's data_version).
                "CREATE TABLE change_mark (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)",
                "INSERT INTO change_mark VALUES (1, 0)",
            ]
        ),
        (
            "v2-notify-cursor",
            [
                "CREATE TABLE notify_cursor (id INTEGER PRIMARY KEY, seq BIGINT NOT NULL)",
                // Flips already in the log (a migrated installation) were notified by the old collector.
                "INSERT INTO notify_cursor SELECT 1, COALESCE(MAX(seq), 0) FROM event",
            ]
        ),
        // The pages read the last month of every device's log: without this, a year of history is a full scan.
        ("v3-event-at", ["CREATE INDEX event_at ON event(at)"]),
        ("v4-flip-columns", StoreSQL.postgres.flipColumns),
        ("v5-ups-events", StoreSQL.postgres.upsEventTable),
        ("v6-sites-incidents", StoreSQL.postgres.sitesIncidents),
        ("v7-depends-on", StoreSQL.postgres.dependsOn),
        ("v8-incident-mains-out", StoreSQL.postgres.incidentMainsOut),
        ("v9-collector-records", StoreSQL.postgres.collectorRecords),
    ]

    /// Applies the missing migrations in one transaction; collectors starting together wait for each other.
    static func migrate(
        _ conn: PostgresConnection, schema: String?, logger: Logger,
        migrations: [(version: String, statements: [String])] = migrations
    ) async throws {
        try await conn.query("BEGIN", logger: logger)
        do {
            try await conn.query("SELECT pg_advisory_xact_lock(hashtext('downtimemon-migrate'))", logger: logger)
            if let schema {
                try await conn.query(
                    PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \"\(schema)\""), logger: logger)
            }
            try await conn.query(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at DOUBLE PRECISION NOT NULL)",
                logger: logger)
            var done: Set<String> = []
            for try await v in try await conn.query("SELECT version FROM schema_migrations", logger: logger).decode(
                String.self)
            {
                done.insert(v)
            }
            for m in migrations where !done.contains(m.version) {
                for sql in m.statements { try await conn.query(PostgresQuery(unsafeSQL: sql), logger: logger) }
                try await conn.query(
                    "INSERT INTO schema_migrations VALUES (\(m.version), \(Date().timeIntervalSince1970))",
                    logger: logger)
            }
            try await conn.query("COMMIT", logger: logger)
        } catch {
            _ = try? await conn.query("ROLLBACK", logger: logger)
            throw error
        }
    }

    /// The migrations applied, oldest first.
    public func appliedMigrations() async throws -> [String] {
        try await collect(
            client.query("SELECT version FROM schema_migrations ORDER BY applied_at, version").decode(String.self))
    }

    // MARK: helpers

    /// Runs `body` in one transaction, rethrowing the body's own error (not PostgresNIO's wrapper).
    func transaction<T: Sendable>(
        timeout: Double? = nil, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger, timeout: timeout, body)
        } catch let e as PostgresTransactionError {
            throw e.closureError ?? e.commitError ?? e.beginError ?? e
        }
    }

    private func collect<S: AsyncSequence>(_ s: S) async throws -> [S.Element] {
        var out: [S.Element] = []
        for try await x in s { out.append(x) }
        return out
    }

    /// Rows a statement with `RETURNING` gave back: how many it changed.
    private func changed(_ q: PostgresQuery, _ conn: PostgresConnection) async throws -> Int {
        try await conn.query(q, logger: logger).collect().count
    }

    /// Tells the other collectors and the CLI that something changed; part of the caller's transaction.
    private func bumpChangeMark(_ conn: PostgresConnection) async throws {
        try await conn.query("UPDATE change_mark SET n = n + 1 WHERE id = 1", logger: logger)
        state.withLock { $0.ownChanges += 1 }
    }

    // MARK: devices

    private static let sql = StoreSQL.postgres

    /// A statement of `StoreSQL` with its values bound in order.
    private static func bound(_ sql: String, _ values: [any PostgresThrowingDynamicTypeEncodable]) throws
        -> PostgresQuery
    {
        var b = PostgresBindings()
        for value in values { try b.append(value) }
        return PostgresQuery(unsafeSQL: sql, binds: b)
    }

    func devices(_ sql: String, _ binds: PostgresBindings = PostgresBindings()) async throws -> [DeviceRecord] {
        var out: [DeviceRecord] = []
        for try await row in try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger) {
            out.append(try row.makeRandomAccess().deviceRecord())
        }
        return out
    }

    public func allDevices() async throws -> [DeviceRecord] {
        try await devices(Self.sql.allDevices)
    }

    public func device(named name: String) async throws -> DeviceRecord? {
        var b = PostgresBindings()
        b.append(name)
        return try await devices(Self.sql.deviceNamed, b).first
    }

    public func device(tokenHash: [UInt8]) async throws -> DeviceRecord? {
        var b = PostgresBindings()
        try b.append(Data(tokenHash))
        return try await devices(Self.sql.deviceWithTokenHash, b).first
    }

    public func addDevice(_ r: DeviceRecord) async throws {
        try await transaction { [self] conn in
            var b = PostgresBindings()
            b.append(r.name)
            try b.append(Data(r.tokenHash))
            b.append(r.createdAt.timeIntervalSince1970)
            b.append(r.paused)
            b.append(r.intervalOverride)
            b.append(r.tags.joined(separator: ","))
            b.append(r.status.rawValue)
            b.append(r.statusSince.timeIntervalSince1970)
            let n = try await changed(PostgresQuery(unsafeSQL: Self.sql.insertDevice, binds: b), conn)
            guard n > 0 else { throw StoreError.deviceExists(r.name) }
            try await bumpChangeMark(conn)
        }
    }

    public func removeDevice(named name: String) async throws -> Bool {
        try await transaction { [self] conn in
            try await conn.query(try Self.bound(Self.sql.deleteDeviceEvents, [name]), logger: logger)
            try await conn.query(try Self.bound(Self.sql.clearDependants, [name]), logger: logger)
            guard try await changed(try Self.bound(Self.sql.deleteDevice, [name]), conn) > 0 else { return false }
            try await bumpChangeMark(conn)
            return true
        }
    }

    public func setPaused(_ paused: Bool, flip: FlipChange) async throws -> Bool {
        try await transaction { [self] conn in
            try await serializeFlips(conn)
            guard try await changed(try Self.bound(Self.sql.set(.paused), [paused, flip.device]), conn) > 0 else {
                return false
            }
            // A pause leaves the status column alone: it is what the device returns to.
            try await insertFlip(flip, conn)
            if !paused { _ = try await setStatus(flip, conn, onlyFrom: nil) }
            try await bumpChangeMark(conn)
            return true
        }
    }

    public func setInterval(_ seconds: Int?, device: String) async throws -> Bool {
        try await transaction { [self] conn in
            var b = PostgresBindings()
            b.append(seconds)
            b.append(device)
            guard try await changed(PostgresQuery(unsafeSQL: Self.sql.set(.intervalOverride), binds: b), conn) > 0
            else { return false }
            try await bumpChangeMark(conn)
            return true
        }
    }

    public func setDependsOn(_ parent: String?, device: String) async throws -> Bool {
        try await transaction { [self] conn in
            var b = PostgresBindings()
            b.append(parent)
            b.append(device)
            guard try await changed(PostgresQuery(unsafeSQL: Self.sql.set(.dependsOn), binds: b), conn) > 0
            else { return false }
            try await bumpChangeMark(conn)
            return true
        }
    }

    public func setTokenHash(_ hash: [UInt8], device: String) async throws -> Bool {
        try await transaction { [self] conn in
            guard
                try await changed(
                    "UPDATE device SET token_hash = \(Data(hash)) WHERE name = \(device) RETURNING 1", conn) > 0
            else { return false }
            try await bumpChangeMark(conn)
            return true
        }
    }

    public func setTags(_ tags: [String], device: String) async throws -> Bool {
        try await transaction { [self] conn in
            let set = try Self.bound(Self.sql.set(.tags), [tags.joined(separator: ","), device])
            guard try await changed(set, conn) > 0 else { return false }
            try await bumpChangeMark(conn)
            return true
        }
    }

    public func setSite(_ site: String?, device: String) async throws -> Bool {
        try await transaction { [self] conn in
            var b = PostgresBindings()
            b.append(site)
            b.append(device)
            guard try await changed(PostgresQuery(unsafeSQL: Self.sql.set(.site), binds: b), conn) > 0 else {
                return false
            }
            try await bumpChangeMark(conn)
            return true
        }
    }

    public func saveIncidents(_ incidents: [Incident], at: Date) async throws {
        guard !incidents.isEmpty else { return }
        try await transaction { [self] conn in
            for i in incidents {
                var b = PostgresBindings()
                b.append(i.id)
                b.append(i.kind.rawValue)
                b.append(i.site)
                b.append(i.start.timeIntervalSince1970)
                b.append(i.end?.timeIntervalSince1970)
                b.append(i.collectorDown)
                b.append(try IncidentMembersJSON.encode(i.members))
                b.append(i.unaffected.joined(separator: ","))
                b.append(i.mainsOut?.ups)
                b.append(i.mainsOut?.at.timeIntervalSince1970)
                b.append(at.timeIntervalSince1970)
                try await conn.query(PostgresQuery(unsafeSQL: Self.sql.upsertIncident, binds: b), logger: logger)
            }
        }
    }

    private func incidentRows(_ sql: String, _ binds: PostgresBindings) async throws -> [Incident] {
        var out: [Incident] = []
        for try await row in try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger) {
            out.append(try row.makeRandomAccess().incident())
        }
        return out
    }

    public func incidents(since: Date) async throws -> [Incident] {
        var b = PostgresBindings()
        b.append(since.timeIntervalSince1970)
        return try await incidentRows(Self.sql.incidentsSince, b)
    }

    public func incident(id: String) async throws -> Incident? {
        var b = PostgresBindings()
        b.append(id)
        return try await incidentRows(Self.sql.incidentWithID, b).first
    }

    public func incidentCounts() async throws -> [Incident.Kind: Int] {
        var out: [Incident.Kind: Int] = [:]
        let rows = try await client.query(PostgresQuery(unsafeSQL: Self.sql.incidentCounts), logger: logger)
        for try await (kind, n) in rows.decode((String, Int).self) {
            if let k = Incident.Kind(rawValue: kind) { out[k] = n }
        }
        return out
    }

    public func saveBeats(_ beats: [String: BeatState], aliveAt: Date) async throws {
        let names = Array(beats.keys)
        let b = names.map { beats[$0]! }
        let run = state.withLock { $0.runStartedAt }
        try await transaction { [self] conn in
            if !names.isEmpty {
                // One statement for the whole batch: a few thousand devices every 2 s stay cheap.
                // A beat never moves back in time (another collector may have stored a newer one).
                try await conn.query(
                    """
                    UPDATE device d SET beat_at = u.beat_at, interval_s = u.interval_s, agent_version = u.agent_version,
                        boot_id = u.boot_id, clock_skew_s = u.clock_skew_s, clock_synced = u.clock_synced, uptime_s = u.uptime_s,
                        seq = u.seq
                    FROM UNNEST(\(names)::text[], \(b.map { $0.at.timeIntervalSince1970 })::float8[], \(b.map { $0.intervalS })::int8[],
                                \(b.map(\.agentVersion))::text[], \(b.map(\.bootID))::text[], \(b.map(\.clockSkewS))::float8[],
                                \(b.map(\.clockSynced))::bool[], \(b.map(\.uptimeS))::float8[], \(b.map { Int64(clamping: $0.seq) })::int8[])
                        AS u(name, beat_at, interval_s, agent_version, boot_id, clock_skew_s, clock_synced, uptime_s, seq)
                    WHERE d.name = u.name AND (d.beat_at IS NULL OR d.beat_at <= u.beat_at)
                    """, logger: logger)
            }
            if let run {
                try await conn.query(
                    "UPDATE collector_run SET alive_at = \(aliveAt.timeIntervalSince1970) WHERE started_at = \(run)",
                    logger: logger)
            } else {
                try await conn.query(
                    try Self.bound(Self.sql.markNewestRunAlive, [aliveAt.timeIntervalSince1970]), logger: logger)
            }
        }
    }

    // MARK: events

    public func insertEvents(_ events: [Event], receivedAt: Date) async throws -> [UUID] {
        guard !events.isEmpty else { return [] }
        let bodies = try events.map { ByteBuffer(bytes: try WireCoding.encode($0)) }
        // Rows that shape outages: other collectors reset their timelines when they appear.
        let shaping = events.contains { $0.kind.shapesTimeline }
        try await transaction { [self] conn in
            let n = try await changed(
                """
                INSERT INTO event (id, device, kind, at, received_at, body, flip_from, flip_to)
                SELECT id, device, kind, at, received_at, body, NULLIF(flip_from, ''), NULLIF(flip_to, '')
                FROM UNNEST(\(events.map(\.id))::uuid[], \(events.map(\.device))::text[], \(events.map(\.kind.rawValue))::text[],
                            \(events.map { $0.at.timeIntervalSince1970 })::float8[],
                            \(Array(repeating: receivedAt.timeIntervalSince1970, count: events.count))::float8[], \(bodies)::bytea[],
                            \(events.map { Self.flipStatuses($0)?.from ?? "" })::text[], \(events.map { Self.flipStatuses($0)?.to ?? "" })::text[])
                    WITH ORDINALITY AS u(id, device, kind, at, received_at, body, flip_from, flip_to, ord)
                ORDER BY ord
                ON CONFLICT (id) DO NOTHING RETURNING 1
                """, conn)
            if n > 0, shaping { try await bumpChangeMark(conn) }
        }
        return events.map(\.id)
    }

    /// A flip's statuses as the `flip_from`/`flip_to` columns hold them; nil for other kinds.
    private static func flipStatuses(_ e: Event) -> (from: String, to: String)? {
        guard case .flip(let f) = e.payload else { return nil }
        return (f.from.rawValue, f.to.rawValue)
    }

    private func insertFlip(_ f: FlipChange, _ conn: PostgresConnection) async throws {
        let at = f.event.at.timeIntervalSince1970
        var b = PostgresBindings()
        b.append(f.event.id)
        b.append(f.device)
        b.append(f.event.kind.rawValue)
        b.append(at)
        b.append(at)
        try b.append(Data(try WireCoding.encode(f.event)))
        b.append(Self.flipStatuses(f.event)?.from)
        b.append(Self.flipStatuses(f.event)?.to)
        try await conn.query(PostgresQuery(unsafeSQL: Self.sql.insertEvent, binds: b), logger: logger)
    }

    /// Sets the device's status; with `onlyFrom`, only if the stored one is still that (false when not).
    private func setStatus(_ f: FlipChange, _ conn: PostgresConnection, onlyFrom: DeviceStatus?) async throws -> Bool {
        var values: [any PostgresThrowingDynamicTypeEncodable] = [
            f.status.rawValue, f.event.at.timeIntervalSince1970, f.device,
        ]
        if let onlyFrom { values.append(onlyFrom.rawValue) }
        let n = try await changed(try Self.bound(Self.sql.setStatus(onlyFrom: onlyFrom != nil), values), conn)
        return onlyFrom == nil || n > 0
    }

    /// Flip rows are written one transaction at a time across all collectors, so that their log
    /// numbers are also their commit order: the leader's notifications follow them by number.
    private func serializeFlips(_ conn: PostgresConnection) async throws {
        try await conn.query(
            "SELECT pg_advisory_xact_lock(hashtext('downtimemon-flips:' || current_schema()))", logger: logger)
    }

    @discardableResult
    public func recordFlips(_ flips: [FlipChange]) async throws -> [FlipChange] {
        guard !flips.isEmpty else { return [] }
        return try await transaction { [self] conn in
            try await serializeFlips(conn)
            var recorded: [FlipChange] = []
            for f in flips {
                // Another collector may have recorded this change first: then the stored status moved on.
                guard try await setStatus(f, conn, onlyFrom: f.from) else { continue }
                try await insertFlip(f, conn)
                recorded.append(f)
            }
            if !recorded.isEmpty { try await bumpChangeMark(conn) }
            return recorded
        }
    }

    func stored(_ rows: PostgresRowSequence) async throws -> [StoredEvent] {
        var out: [StoredEvent] = []
        for try await row in rows { out.append(try row.makeRandomAccess().storedEvent()) }
        return out
    }

    public func events(device: String, since: Date?, afterSeq: Int64?, limit: Int) async throws -> [StoredEvent] {
        var b = PostgresBindings()
        b.append(device)
        if let since { b.append(since.timeIntervalSince1970) }
        if let afterSeq { b.append(afterSeq) }
        b.append(Int64(clamping: limit))
        let sql = Self.sql.events(since: since != nil, afterSeq: afterSeq != nil)
        return try await stored(client.query(PostgresQuery(unsafeSQL: sql, binds: b), logger: logger))
    }

    public func timelineEvents(since: Date, device: String?) async throws -> [String: [StoredEvent]] {
        var b = PostgresBindings()
        b.append(since.timeIntervalSince1970)
        if let device { b.append(device) }
        let sql = Self.sql.timeline(oneDevice: device != nil)
        var out: [String: [StoredEvent]] = [:]
        for try await row in try await client.query(PostgresQuery(unsafeSQL: sql, binds: b), logger: logger) {
            let row = row.makeRandomAccess()
            out[try row.string("device") ?? "", default: []].append(try row.storedEvent())
        }
        return out
    }

    public func allEvents() async throws -> [StoredEvent] {
        try await stored(
            client.query(PostgresQuery(unsafeSQL: Self.sql.allEvents), logger: logger, timeout: Self.longTimeout))
    }

    // MARK: UPS log

    @discardableResult
    public func insertUPSEvents(_ events: [StoredUPSEvent]) async throws -> [UUID] {
        guard !events.isEmpty else { return [] }
        try await transaction { [self] conn in
            for e in events {
                var b = PostgresBindings()
                b.append(e.id)
                b.append(e.ups)
                b.append(e.kind.rawValue)
                b.append(e.at.timeIntervalSince1970)
                b.append(e.status)
                b.append(e.charge)
                b.append(e.runtime)
                b.append(e.inputVoltage)
                b.append(e.reason)
                try await conn.query(PostgresQuery(unsafeSQL: Self.sql.insertUPSEvent, binds: b), logger: logger)
            }
        }
        return events.map(\.id)
    }

    public func upsEvents(ups: String?, since: Date?, limit: Int) async throws -> [StoredUPSEvent] {
        var b = PostgresBindings()
        if let ups { b.append(ups) }
        if let since { b.append(since.timeIntervalSince1970) }
        b.append(Int64(clamping: limit))
        let sql = Self.sql.upsEvents(ups: ups != nil, since: since != nil)
        var out: [StoredUPSEvent] = []
        for try await row in try await client.query(PostgresQuery(unsafeSQL: sql, binds: b), logger: logger) {
            if let e = try row.makeRandomAccess().storedUPSEvent() { out.append(e) }
        }
        return out
    }

    // MARK: deliveries

    public func recordDelivery(_ r: DeliveryRecord) async throws {
        try await transaction { [self] conn in
            for d in r.devices {
                let values: [any PostgresThrowingDynamicTypeEncodable] = [
                    r.at.timeIntervalSince1970, d, r.devices.joined(separator: ","), r.notifier, r.kind, r.attempt,
                    r.ok, r.detail,
                ]
                try await conn.query(try Self.bound(Self.sql.insertDelivery, values), logger: logger)
            }
        }
    }

    public func deliveries(device: String, limit: Int) async throws -> [DeliveryRecord] {
        var out: [DeliveryRecord] = []
        for try await row in try await client.query(
            try Self.bound(Self.sql.deliveries, [device, limit]), logger: logger)
        {
            out.append(try row.makeRandomAccess().deliveryRecord())
        }
        return out
    }

    // MARK: retention

    public func saveDaily(_ rows: [(device: String, day: String, down: Double, known: Double)]) async throws {
        guard !rows.isEmpty else { return }
        try await client.query(
            """
            INSERT INTO daily_availability (device, day, down_s, known_s)
            SELECT * FROM UNNEST(\(rows.map(\.device))::text[], \(rows.map(\.day))::text[], \(rows.map(\.down))::float8[], \(rows.map(\.known))::float8[])
            ON CONFLICT (device, day) DO UPDATE SET down_s = EXCLUDED.down_s, known_s = EXCLUDED.known_s
            """, logger: logger)
    }

    public func daily(device: String) async throws -> [(day: String, down: Double, known: Double)] {
        var out: [(day: String, down: Double, known: Double)] = []
        for try await row in try await client.query(try Self.bound(Self.sql.daily, [device]), logger: logger) {
            out.append(try row.makeRandomAccess().daily())
        }
        return out
    }

    public func deleteEvents(before: Date) async throws -> Int {
        var bindings = PostgresBindings()
        bindings.append(before.timeIntervalSince1970)
        let b = bindings
        return try await transaction(timeout: Self.longTimeout) { [self] conn in
            var n = 0
            for sql in [
                Self.sql.deleteEventsBefore, Self.sql.deleteUPSEventsBefore, Self.sql.deleteIncidentsBefore,
                Self.sql.deleteCollectorRecordsBefore,
            ] {
                n += try await changed(PostgresQuery(unsafeSQL: sql, binds: b), conn)
            }
            return n
        }
    }

    // MARK: maintenance

    public func maintenanceWindows() async throws -> [MaintenanceWindow] {
        var out: [MaintenanceWindow] = []
        for try await row in try await client.query(
            PostgresQuery(unsafeSQL: Self.sql.maintenanceWindows), logger: logger)
        {
            if let window = try row.makeRandomAccess().maintenanceWindow() { out.append(window) }
        }
        return out
    }

    public func addMaintenance(_ window: MaintenanceWindow) async throws -> Int64 {
        try await transaction { [self] conn in
            var id: Int64 = 0
            let insert = try Self.bound(Self.sql.insertMaintenance + " RETURNING id", [window.spec])
            for try await v in try await conn.query(insert, logger: logger).decode(Int64.self) { id = v }
            try await bumpChangeMark(conn)
            return id
        }
    }

    public func removeMaintenance(id: Int64) async throws -> Bool {
        try await transaction { [self] conn in
            guard try await changed(try Self.bound(Self.sql.deleteMaintenance, [id]), conn) > 0 else { return false }
            try await bumpChangeMark(conn)
            return true
        }
    }

    public func saveCollectorRecords(_ records: [CollectorRecord]) async throws {
        guard !records.isEmpty else { return }
        try await transaction { [self] conn in
            for r in records {
                var b = PostgresBindings()
                b.append(r.id)
                b.append(r.at.timeIntervalSince1970)
                b.append(r.kind.rawValue)
                b.append(r.deltaS)
                b.append(r.detail)
                try await conn.query(PostgresQuery(unsafeSQL: Self.sql.insertCollectorRecord, binds: b), logger: logger)
            }
        }
    }

    public func collectorRecords(limit: Int) async throws -> [CollectorRecord] {
        var out: [CollectorRecord] = []
        for try await row in try await client.query(
            try Self.bound(Self.sql.collectorRecordsNewest, [limit]), logger: logger)
        {
            if let r = try row.makeRandomAccess().collectorRecord() { out.append(r) }
        }
        return out.reversed()
    }

    public func redateUnsyncedFlips(receivedIn window: ClosedRange<Date>, by offset: TimeInterval) async throws
        -> Int
    {
        let (from, to) = (window.lowerBound.timeIntervalSince1970, window.upperBound.timeIntervalSince1970)
        return try await transaction { [self] conn in
            var candidates: [StoredEvent] = []
            for try await row in try await conn.query(
                try Self.bound(Self.sql.flipsReceivedIn, [from, to]), logger: logger)
            {
                candidates.append(try row.makeRandomAccess().storedEvent())
            }
            var moved = 0
            for stored in candidates {
                guard let event = UnsyncedRedating.redated(stored.event, by: offset) else { continue }
                let values: [any PostgresThrowingDynamicTypeEncodable] = [
                    event.at.timeIntervalSince1970, stored.receivedAt.timeIntervalSince1970 + offset,
                    Data(try WireCoding.encode(event)), stored.seq,
                ]
                try await conn.query(try Self.bound(Self.sql.redateEvent, values), logger: logger)
                moved += 1
            }
            if moved > 0 {
                try await conn.query(try Self.bound(Self.sql.shiftStatusSince, [offset, from, to]), logger: logger)
                try await bumpChangeMark(conn)
            }
            return moved
        }
    }

    // MARK: collector runs

    public func beginRun(at: Date) async throws -> Date? {
        let t = at.timeIntervalSince1970
        let previous = try await transaction { [self] conn -> Double? in
            var previous: Double?
            // Several collectors: the newest sign of life of any of them.
            for try await v in try await conn.query("SELECT MAX(alive_at) FROM collector_run", logger: logger).decode(
                Double?.self)
            {
                previous = v
            }
            try await conn.query(try Self.bound(Self.sql.insertRun, [t]), logger: logger)
            return previous
        }
        state.withLock { $0.runStartedAt = t }
        return previous.map { Date(timeIntervalSince1970: $0) }
    }

    public func externalChangeMark() async throws -> Int {
        var n = 0
        for try await v in try await client.query("SELECT n FROM change_mark WHERE id = 1", logger: logger).decode(
            Int.self)
        { n = v }
        return n - state.withLock { $0.ownChanges }
    }
}

// MARK: several collectors

extension PostgresStore {
    public func makeLeaderLock(logger: Logger) -> any LeaderLock {
        PostgresLeaderLock(url: url, schema: schema, logger: logger)
    }

    public func storedBeats() async throws -> [String: BeatState] {
        var out: [String: BeatState] = [:]
        for d in try await devices("SELECT \(StoreSQL.deviceColumns) FROM device WHERE beat_at IS NOT NULL") {
            out[d.name] = d.beat
        }
        return out
    }

    public func flips(afterSeq: Int64, limit: Int) async throws -> [StoredEvent] {
        try await stored(client.query(try Self.bound(Self.sql.flipsAfter, [afterSeq, Int64(limit)]), logger: logger))
    }

    public func notifyCursor() async throws -> Int64 {
        try await client.query(PostgresQuery(unsafeSQL: Self.sql.notifyCursor), logger: logger).collect().first?.decode(
            Int64.self) ?? 0
    }

    public func setNotifyCursor(_ seq: Int64) async throws {
        try await client.query(try Self.bound(Self.sql.advanceNotifyCursor, [seq]), logger: logger)
    }
}
