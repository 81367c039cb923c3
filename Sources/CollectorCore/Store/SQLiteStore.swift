import DowntimeProtocol
import Foundation
import GRDB

/// The embedded store: one SQLite file in WAL mode, written with `synchronous = FULL` so an
/// acknowledged event survives a power cut of the NAS too.
public final class SQLiteStore: Store {
    public let path: String
    let pool: DatabasePool

    /// Opens (and creates or migrates) the database at `path`.
    public init(path: String) throws {
        self.path = path
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        pool = try DatabasePool(path: path, configuration: config)
        try Self.migrator.migrate(pool)
    }

    /// Opens the store in a data folder, creating the folder if needed.
    public convenience init(dataDir: String) throws {
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        try self.init(path: (dataDir as NSString).appendingPathComponent("downtime.sqlite"))
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
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
                """)
        }
        m.registerMigration("v2-maintenance") { db in
            try db.execute(sql: "CREATE TABLE maintenance (id INTEGER PRIMARY KEY AUTOINCREMENT, spec TEXT NOT NULL)")
        }
        m.registerMigration("v3-daily") { db in
            try db.execute(sql: """
                CREATE TABLE daily_availability (
                    device TEXT NOT NULL, day TEXT NOT NULL, down_s REAL NOT NULL, known_s REAL NOT NULL,
                    PRIMARY KEY (device, day)
                ) WITHOUT ROWID
                """)
        }
        m.registerMigration("v4-delivery") { db in
            try db.execute(sql: """
                CREATE TABLE delivery (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, device TEXT NOT NULL, devices TEXT NOT NULL,
                    notifier TEXT NOT NULL, kind TEXT NOT NULL, attempt INTEGER NOT NULL, ok INTEGER NOT NULL, detail TEXT NOT NULL
                );
                CREATE INDEX delivery_device ON delivery(device, at);
                """)
        }
        m.registerMigration("v5-event-at") { db in
            // The pages read the last month of every device's log: without this, a year of history is a full scan.
            try db.execute(sql: "CREATE INDEX event_at ON event(at)")
        }
        return m
    }

    // MARK: devices

    private static let deviceColumns = """
        name, token_hash, created_at, paused, interval_override, tags, status, status_since,
        beat_at, interval_s, agent_version, boot_id, clock_skew_s, clock_synced, uptime_s, seq
        """

    private static func device(_ row: Row) -> DeviceRecord {
        var beat: BeatState?
        if let at: Double = row["beat_at"] {
            beat = BeatState(
                at: Date(timeIntervalSince1970: at), intervalS: row["interval_s"] ?? 10,
                agentVersion: row["agent_version"] ?? "", bootID: row["boot_id"] ?? "",
                clockSkewS: row["clock_skew_s"] ?? 0, clockSynced: (row["clock_synced"] as Int?) == 1,
                uptimeS: row["uptime_s"] ?? 0, seq: UInt64(max(0, row["seq"] as Int64? ?? 0)))
        }
        let tags: String = row["tags"]
        return DeviceRecord(
            name: row["name"], tokenHash: [UInt8](row["token_hash"] as Data),
            createdAt: Date(timeIntervalSince1970: row["created_at"]), paused: (row["paused"] as Int) != 0,
            intervalOverride: row["interval_override"],
            tags: tags.split(separator: ",").map(String.init),
            status: DeviceStatus(rawValue: row["status"]) ?? .new,
            statusSince: Date(timeIntervalSince1970: row["status_since"]), beat: beat)
    }

    public func allDevices() async throws -> [DeviceRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.deviceColumns) FROM device ORDER BY name").map(Self.device)
        }
    }

    public func device(named name: String) async throws -> DeviceRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.deviceColumns) FROM device WHERE name = ?", arguments: [name])
                .map(Self.device)
        }
    }

    public func device(tokenHash: [UInt8]) async throws -> DeviceRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.deviceColumns) FROM device WHERE token_hash = ?",
                             arguments: [Data(tokenHash)]).map(Self.device)
        }
    }

    public func addDevice(_ r: DeviceRecord) async throws {
        try await pool.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM device WHERE name = ?", arguments: [r.name]) == true {
                throw StoreError.deviceExists(r.name)
            }
            try db.execute(
                sql: """
                    INSERT INTO device (name, token_hash, created_at, paused, interval_override, tags, status, status_since)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [r.name, Data(r.tokenHash), r.createdAt.timeIntervalSince1970, r.paused ? 1 : 0,
                            r.intervalOverride, r.tags.joined(separator: ","), r.status.rawValue,
                            r.statusSince.timeIntervalSince1970])
        }
    }

    public func removeDevice(named name: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM event WHERE device = ?", arguments: [name])
            try db.execute(sql: "DELETE FROM device WHERE name = ?", arguments: [name])
            return db.changesCount > 0
        }
    }

    public func setPaused(_ paused: Bool, flip: FlipChange) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE device SET paused = ? WHERE name = ?", arguments: [paused ? 1 : 0, flip.device])
            guard db.changesCount > 0 else { return false }
            // A pause leaves the status column alone: it is what the device returns to.
            try Self.record(flip, db, setStatus: !paused)
            return true
        }
    }

    public func setInterval(_ seconds: Int?, device: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE device SET interval_override = ? WHERE name = ?", arguments: [seconds, device])
            return db.changesCount > 0
        }
    }

    public func setTokenHash(_ hash: [UInt8], device: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE device SET token_hash = ? WHERE name = ?", arguments: [Data(hash), device])
            return db.changesCount > 0
        }
    }

    public func setTags(_ tags: [String], device: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE device SET tags = ? WHERE name = ?", arguments: [tags.joined(separator: ","), device])
            return db.changesCount > 0
        }
    }

    public func saveBeats(_ beats: [String: BeatState], aliveAt: Date) async throws {
        try await pool.write { db in
            let stmt = try db.cachedStatement(sql: """
                UPDATE device SET beat_at = ?, interval_s = ?, agent_version = ?, boot_id = ?, clock_skew_s = ?,
                clock_synced = ?, uptime_s = ?, seq = ? WHERE name = ?
                """)
            for (name, b) in beats {
                try stmt.execute(arguments: [b.at.timeIntervalSince1970, b.intervalS, b.agentVersion, b.bootID,
                                             b.clockSkewS, b.clockSynced ? 1 : 0, b.uptimeS, Int64(clamping: b.seq), name])
            }
            try db.execute(sql: "UPDATE collector_run SET alive_at = ? WHERE started_at = (SELECT MAX(started_at) FROM collector_run)",
                           arguments: [aliveAt.timeIntervalSince1970])
        }
    }

    // MARK: events

    public func insertEvents(_ events: [Event], receivedAt: Date) async throws -> [UUID] {
        let rows = try events.map { ($0, Data(try WireCoding.encode($0))) }
        return try await pool.write { db in
            let stmt = try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO event (id, device, kind, at, received_at, body) VALUES (?, ?, ?, ?, ?, ?)
                """)
            for (e, body) in rows {
                try stmt.execute(arguments: [e.id.uuidString, e.device, e.kind.rawValue, e.at.timeIntervalSince1970,
                                             receivedAt.timeIntervalSince1970, body])
            }
            return rows.map(\.0.id)
        }
    }

    private static func record(_ f: FlipChange, _ db: Database, setStatus: Bool = true) throws {
        try db.execute(
            sql: "INSERT INTO event (id, device, kind, at, received_at, body) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [f.event.id.uuidString, f.device, f.event.kind.rawValue, f.event.at.timeIntervalSince1970,
                        f.event.at.timeIntervalSince1970, Data(try WireCoding.encode(f.event))])
        guard setStatus else { return }
        try db.execute(sql: "UPDATE device SET status = ?, status_since = ? WHERE name = ?",
                       arguments: [f.status.rawValue, f.event.at.timeIntervalSince1970, f.device])
    }

    @discardableResult
    public func recordFlips(_ flips: [FlipChange]) async throws -> [FlipChange] {
        guard !flips.isEmpty else { return [] }
        return try await pool.write { db in
            var recorded: [FlipChange] = []
            for f in flips {
                if let from = f.from {
                    // Only from the status still stored (the same rule as PostgreSQL's, where collectors race).
                    let stored = try String.fetchOne(db, sql: "SELECT status FROM device WHERE name = ?", arguments: [f.device])
                    guard stored == from else { continue }
                }
                try Self.record(f, db)
                recorded.append(f)
            }
            return recorded
        }
    }

    private static func stored(_ row: Row) throws -> StoredEvent {
        let body: Data = row["body"]
        let event = try WireCoding.decode(Event.self, from: body)
        return StoredEvent(event: event, receivedAt: Date(timeIntervalSince1970: row["received_at"]), seq: row["seq"])
    }

    public func events(device: String, since: Date?, afterSeq: Int64?, limit: Int) async throws -> [StoredEvent] {
        try await pool.read { db in
            var sql = "SELECT seq, received_at, body FROM event WHERE device = ?"
            var args: StatementArguments = [device]
            if let since {
                sql += " AND at >= ?"
                _ = args.append(contentsOf: [since.timeIntervalSince1970])
            }
            if let afterSeq {
                sql += " AND seq > ?"
                _ = args.append(contentsOf: [afterSeq])
            }
            sql += " ORDER BY seq LIMIT ?"
            _ = args.append(contentsOf: [limit])
            return try Row.fetchAll(db, sql: sql, arguments: args).map(Self.stored)
        }
    }

    public func timelineEvents(since: Date, device: String?) async throws -> [String: [StoredEvent]] {
        try await pool.read { db in
            // In the window, every row that shapes outages; before it, per device only its first flip (since when
            // it is known), its newest flip (its state as the window opens) and its newest outage (the down
            // flip, the flip that ended it, the agent's report), so old history costs nothing.
            let one = device == nil ? "" : " AND device = ?"
            let sql = """
                SELECT device, seq, received_at, body, at FROM event
                WHERE at >= ? AND kind IN ('flip', 'outage', 'collector_unreachable', 'collector_down')\(one)
                UNION
                SELECT e.device, e.seq, e.received_at, e.body, e.at FROM device d JOIN event e ON e.seq IN (
                    (SELECT seq FROM event WHERE device = d.name AND kind = 'flip' ORDER BY at, seq LIMIT 1),
                    (SELECT seq FROM event WHERE device = d.name AND kind = 'flip' AND at < ? ORDER BY at DESC, seq DESC LIMIT 1),
                    (SELECT seq FROM event WHERE device = d.name AND kind = 'outage' AND at < ? ORDER BY at DESC, seq DESC LIMIT 1),
                    (SELECT seq FROM event WHERE device = d.name AND kind = 'flip' AND at < ?
                        AND CAST(body AS TEXT) LIKE '%"to":"down"%' ORDER BY at DESC, seq DESC LIMIT 1),
                    (SELECT f.seq FROM event f WHERE f.device = d.name AND f.kind = 'flip' AND CAST(f.body AS TEXT) LIKE '%"from":"down"%'
                        AND f.at >= (SELECT at FROM event WHERE device = d.name AND kind = 'flip' AND at < ?
                                     AND CAST(body AS TEXT) LIKE '%"to":"down"%' ORDER BY at DESC, seq DESC LIMIT 1)
                        ORDER BY f.at, f.seq LIMIT 1))
                \(device == nil ? "" : "WHERE d.name = ?")
                ORDER BY at, seq
                """
            var args: StatementArguments = [since.timeIntervalSince1970]
            if let device { _ = args.append(contentsOf: [device]) }
            for _ in 0..<4 { _ = args.append(contentsOf: [since.timeIntervalSince1970]) }
            if let device { _ = args.append(contentsOf: [device]) }
            var out: [String: [StoredEvent]] = [:]
            for row in try Row.fetchAll(db, sql: sql, arguments: args) {
                out[row["device"], default: []].append(try Self.stored(row))
            }
            return out
        }
    }

    public func allEvents() async throws -> [StoredEvent] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT seq, received_at, body FROM event ORDER BY device, at, seq").map(Self.stored)
        }
    }

    // MARK: deliveries

    public func recordDelivery(_ r: DeliveryRecord) async throws {
        try await pool.write { db in
            for d in r.devices {
                try db.execute(sql: """
                    INSERT INTO delivery (at, device, devices, notifier, kind, attempt, ok, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [r.at.timeIntervalSince1970, d, r.devices.joined(separator: ","), r.notifier, r.kind,
                                     r.attempt, r.ok ? 1 : 0, r.detail])
            }
        }
    }

    public func deliveries(device: String, limit: Int) async throws -> [DeliveryRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT at, devices, notifier, kind, attempt, ok, detail FROM delivery WHERE device = ? ORDER BY id DESC LIMIT ?
                """, arguments: [device, limit]).map { row in
                let devices: String = row["devices"]
                return DeliveryRecord(at: Date(timeIntervalSince1970: row["at"]), devices: devices.split(separator: ",").map(String.init),
                                      notifier: row["notifier"], kind: row["kind"], attempt: row["attempt"],
                                      ok: (row["ok"] as Int) != 0, detail: row["detail"])
            }
        }
    }

    // MARK: retention

    public func saveDaily(_ rows: [(device: String, day: String, down: Double, known: Double)]) async throws {
        try await pool.write { db in
            let stmt = try db.cachedStatement(sql: "INSERT OR REPLACE INTO daily_availability VALUES (?, ?, ?, ?)")
            for r in rows { try stmt.execute(arguments: [r.device, r.day, r.down, r.known]) }
        }
    }

    public func daily(device: String) async throws -> [(day: String, down: Double, known: Double)] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT day, down_s, known_s FROM daily_availability WHERE device = ? ORDER BY day",
                             arguments: [device]).map { ($0["day"], $0["down_s"], $0["known_s"]) }
        }
    }

    public func deleteEvents(before: Date) async throws -> Int {
        try await pool.write { db in
            // A device's first flip out of `new` is kept: it says since when the device is known.
            try db.execute(sql: """
                DELETE FROM event WHERE at < ? AND NOT (kind = 'flip' AND CAST(body AS TEXT) LIKE '%"from":"new"%')
                """, arguments: [before.timeIntervalSince1970])
            return db.changesCount
        }
    }

    // MARK: maintenance

    public func maintenanceWindows() async throws -> [MaintenanceWindow] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, spec FROM maintenance ORDER BY id").compactMap { row in
                // Written by addMaintenance from a parsed window, so it parses back.
                var w = try? MaintenanceWindow.parse(row["spec"])
                w?.id = row["id"]
                return w
            }
        }
    }

    public func addMaintenance(_ window: MaintenanceWindow) async throws -> Int64 {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO maintenance (spec) VALUES (?)", arguments: [window.spec])
            return db.lastInsertedRowID
        }
    }

    public func removeMaintenance(id: Int64) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM maintenance WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    // MARK: collector runs

    public func beginRun(at: Date) async throws -> Date? {
        try await pool.write { db in
            let previous = try Double.fetchOne(db, sql: "SELECT alive_at FROM collector_run ORDER BY started_at DESC LIMIT 1")
            try db.execute(sql: "INSERT OR REPLACE INTO collector_run (started_at, alive_at) VALUES (?, ?)",
                           arguments: [at.timeIntervalSince1970, at.timeIntervalSince1970])
            return previous.map { Date(timeIntervalSince1970: $0) }
        }
    }

    public func externalChangeMark() async throws -> Int {
        // data_version moves only for commits made by other connections, e.g. the CLI's.
        try await pool.writeWithoutTransaction { db in
            try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0
        }
    }

    /// `PRAGMA integrity_check` result ("ok" when the file is sound).
    public func integrityCheck() async throws -> String {
        try await pool.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "" }
    }
}
