import Foundation
import GRDB

/// The embedded store: one SQLite file in WAL mode, written with `synchronous = FULL` so an
/// acknowledged event survives a power cut of the NAS too. `SQLStore` over `SQLiteExecutor`.
public final class SQLiteStore: SQLStore {
    public let path: String
    let executor: SQLiteExecutor
    let session = StoreSession()
    var pool: DatabasePool { executor.pool }

    /// Opens (and creates or migrates) the database at `path`.
    public init(path: String) throws {
        self.path = path
        var config = Configuration()
        config.busyMode = .timeout(10)
        // A transaction spans several accesses to the writer; `SQLiteExecutor` ends every one it begins.
        config.allowsUnsafeTransactions = true
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        let pool = try DatabasePool(path: path, configuration: config)
        try Self.migrator.migrate(pool)
        executor = SQLiteExecutor(pool: pool)
    }

    /// Opens the store in a data folder, creating the folder if needed.
    public convenience init(dataDir: String) throws {
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        try self.init(path: (dataDir as NSString).appendingPathComponent("downtime.sqlite"))
    }

    /// Rows per table of `StoreMigration.tables`.
    public func rowCounts() async throws -> [String: Int] { try await countRows() }

    // MARK: migrations

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        for (version, statements) in migrations {
            m.registerMigration(version) { db in
                for statement in statements { try db.execute(sql: statement) }
            }
        }
        return m
    }

    /// Each migration is a list of statements (a statement may hold several), applied once, in order.
    static let migrations: [(version: String, statements: [String])] = [
        ("v1", [v1]),
        ("v2-maintenance", ["CREATE TABLE maintenance (id INTEGER PRIMARY KEY AUTOINCREMENT, spec TEXT NOT NULL)"]),
        (
            "v3-daily",
            [
                """
                CREATE TABLE daily_availability (
                    device TEXT NOT NULL, day TEXT NOT NULL, down_s REAL NOT NULL, known_s REAL NOT NULL,
                    PRIMARY KEY (device, day)
                ) WITHOUT ROWID
                """
            ]
        ),
        (
            "v4-delivery",
            [
                """
                CREATE TABLE delivery (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, device TEXT NOT NULL, devices TEXT NOT NULL,
                    notifier TEXT NOT NULL, kind TEXT NOT NULL, attempt INTEGER NOT NULL, ok INTEGER NOT NULL, detail TEXT NOT NULL
                );
                CREATE INDEX delivery_device ON delivery(device, at);
                """
            ]
        ),
        // The pages read the last month of every device's log: without this, a year of history is a full scan.
        ("v5-event-at", ["CREATE INDEX event_at ON event(at)"]),
        ("v6-flip-columns", StoreSQL.sqlite.flipColumns),
        ("v7-ups-events", StoreSQL.sqlite.upsEventTable),
        ("v8-sites-incidents", StoreSQL.sqlite.sitesIncidents),
        ("v9-depends-on", StoreSQL.sqlite.dependsOn),
        ("v10-incident-mains-out", StoreSQL.sqlite.incidentMainsOut),
        ("v11-collector-records", StoreSQL.sqlite.collectorRecords),
        ("v12-notify-cursor", StoreSQL.sqlite.notifyCursorTable),
        ("v13-incident-told", StoreSQL.sqlite.incidentTold),
        ("v14-storage-warning", StoreSQL.sqlite.storageWarning),
        ("v15-accounts", StoreSQL.sqlite.accountTables),
        ("v16-api-keys", StoreSQL.sqlite.apiKeyTable),
        ("v17-status-pages", StoreSQL.sqlite.statusPageTables),
        ("v18-check-flips", StoreSQL.sqlite.checkFlipTable),
        ("v19-notify-held", StoreSQL.sqlite.notifyHeld),
        ("v20-ack-snooze", StoreSQL.sqlite.alertTables),
        ("v21-device-maintenance", StoreSQL.sqlite.eventKindIndex),
        ("v22-digest", StoreSQL.sqlite.digestTable),
        ("v23-quiet", StoreSQL.sqlite.quietTable),
        ("v24-jobs", StoreSQL.sqlite.jobTable),
    ]

    private static let v1 = """
        CREATE TABLE device (
            name TEXT PRIMARY KEY NOT NULL,
            token_hash BLOB NOT NULL UNIQUE,
            created_at REAL NOT NULL,
            paused INTEGER NOT NULL DEFAULT 0,
            interval_override INTEGER,
            tags TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL,
            status_since REAL NOT NULL,
            beat_at REAL, interval_s INTEGER, agent_version TEXT, boot_id TEXT,
            clock_skew_s REAL, clock_synced INTEGER, uptime_s REAL, seq INTEGER
        );
        CREATE TABLE event (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            device TEXT NOT NULL,
            kind TEXT NOT NULL,
            at REAL NOT NULL,
            received_at REAL NOT NULL,
            body BLOB NOT NULL
        );
        CREATE INDEX event_device_at ON event(device, at, seq);
        CREATE TABLE collector_run (
            started_at REAL PRIMARY KEY NOT NULL,
            alive_at REAL NOT NULL
        );
        """
}
