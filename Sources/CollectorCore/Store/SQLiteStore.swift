import CollectorRules
import DowntimeProtocol
import Foundation
import GRDB

/// The embedded store: one SQLite file in WAL mode, written with `synchronous = FULL` so an
/// acknowledged event survives a power cut of the NAS too.
public final class SQLiteStore: NotificationLog {
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
            try db.execute(
                sql: """
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
            try db.execute(
                sql: """
                    CREATE TABLE daily_availability (
                        device TEXT NOT NULL, day TEXT NOT NULL, down_s REAL NOT NULL, known_s REAL NOT NULL,
                        PRIMARY KEY (device, day)
                    ) WITHOUT ROWID
                    """)
        }
        m.registerMigration("v4-delivery") { db in
            try db.execute(
                sql: """
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
        m.registerMigration("v6-flip-columns") { db in
            for statement in StoreSQL.sqlite.flipColumns { try db.execute(sql: statement) }
        }
        m.registerMigration("v7-ups-events") { db in
            for statement in StoreSQL.sqlite.upsEventTable { try db.execute(sql: statement) }
        }
        m.registerMigration("v8-sites-incidents") { db in
            for statement in StoreSQL.sqlite.sitesIncidents { try db.execute(sql: statement) }
        }
        m.registerMigration("v9-depends-on") { db in
            for statement in StoreSQL.sqlite.dependsOn { try db.execute(sql: statement) }
        }
        m.registerMigration("v10-incident-mains-out") { db in
            for statement in StoreSQL.sqlite.incidentMainsOut { try db.execute(sql: statement) }
        }
        m.registerMigration("v11-collector-records") { db in
            for statement in StoreSQL.sqlite.collectorRecords { try db.execute(sql: statement) }
        }
        m.registerMigration("v12-notify-cursor") { db in
            for statement in StoreSQL.sqlite.notifyCursorTable { try db.execute(sql: statement) }
        }
        return m
    }

    // MARK: devices

    private static let sql = StoreSQL.sqlite

    public func allDevices() async throws -> [DeviceRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: Self.sql.allDevices).map { try $0.deviceRecord() }
        }
    }

    public func device(named name: String) async throws -> DeviceRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: Self.sql.deviceNamed, arguments: [name]).map { try $0.deviceRecord() }
        }
    }

    public func device(tokenHash: [UInt8]) async throws -> DeviceRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: Self.sql.deviceWithTokenHash, arguments: [Data(tokenHash)]).map {
                try $0.deviceRecord()
            }
        }
    }

    public func addDevice(_ r: DeviceRecord) async throws {
        try await pool.write { db in
            try db.execute(
                sql: Self.sql.insertDevice,
                arguments: [
                    r.name, Data(r.tokenHash), r.createdAt.timeIntervalSince1970, r.paused,
                    r.intervalOverride, r.tags.joined(separator: ","), r.status.rawValue,
                    r.statusSince.timeIntervalSince1970,
                ])
            guard db.changesCount > 0 else { throw StoreError.deviceExists(r.name) }
        }
    }

    public func removeDevice(named name: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: Self.sql.deleteDeviceEvents, arguments: [name])
            try db.execute(sql: Self.sql.clearDependants, arguments: [name])
            try db.execute(sql: Self.sql.deleteDevice, arguments: [name])
            return db.changesCount > 0
        }
    }

    public func setPaused(_ paused: Bool, flip: FlipChange) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: Self.sql.set(.paused), arguments: [paused, flip.device])
            guard db.changesCount > 0 else { return false }
            // A pause leaves the status column alone: it is what the device returns to.
            _ = try Self.record(flip, db, setStatus: !paused)
            return true
        }
    }

    public func setInterval(_ seconds: Int?, device: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: Self.sql.set(.intervalOverride), arguments: [seconds, device])
            return db.changesCount > 0
        }
    }

    public func setDependsOn(_ parent: String?, device: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: Self.sql.set(.dependsOn), arguments: [parent, device])
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
            try db.execute(sql: Self.sql.set(.tags), arguments: [tags.joined(separator: ","), device])
            return db.changesCount > 0
        }
    }

    public func setSite(_ site: String?, device: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: Self.sql.set(.site), arguments: [site, device])
            return db.changesCount > 0
        }
    }

    public func saveIncidents(_ incidents: [Incident], at: Date) async throws {
        let rows = try incidents.map { i -> StatementArguments in
            [
                i.id, i.kind.rawValue, i.site, i.start.timeIntervalSince1970, i.end?.timeIntervalSince1970,
                i.collectorDown, try IncidentMembersJSON.encode(i.members), i.unaffected.joined(separator: ","),
                i.mainsOut?.ups, i.mainsOut?.at.timeIntervalSince1970, at.timeIntervalSince1970,
            ]
        }
        try await pool.write { db in
            for arguments in rows { try db.execute(sql: Self.sql.upsertIncident, arguments: arguments) }
        }
    }

    public func incidents(since: Date) async throws -> [Incident] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: Self.sql.incidentsSince, arguments: [since.timeIntervalSince1970]).map {
                try $0.incident()
            }
        }
    }

    public func incident(id: String) async throws -> Incident? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: Self.sql.incidentWithID, arguments: [id]).map { try $0.incident() }
        }
    }

    public func incidentCounts() async throws -> [Incident.Kind: Int] {
        try await pool.read { db in
            var out: [Incident.Kind: Int] = [:]
            for row in try Row.fetchAll(db, sql: Self.sql.incidentCounts) {
                if let kind = Incident.Kind(rawValue: row["kind"]) { out[kind] = row["n"] }
            }
            return out
        }
    }

    public func saveBeats(_ beats: [String: BeatState], aliveAt: Date) async throws {
        try await pool.write { db in
            let stmt = try db.cachedStatement(
                sql: """
                    UPDATE device SET beat_at = ?, interval_s = ?, agent_version = ?, boot_id = ?, clock_skew_s = ?,
                    clock_synced = ?, uptime_s = ?, seq = ? WHERE name = ?
                    """)
            for (name, b) in beats {
                try stmt.execute(arguments: [
                    b.at.timeIntervalSince1970, b.intervalS, b.agentVersion, b.bootID,
                    b.clockSkewS, b.clockSynced ? 1 : 0, b.uptimeS, Int64(clamping: b.seq), name,
                ])
            }
            try db.execute(sql: Self.sql.markNewestRunAlive, arguments: [aliveAt.timeIntervalSince1970])
        }
    }

    // MARK: events

    public func insertEvents(_ events: [Event], receivedAt: Date) async throws -> [UUID] {
        let rows = try events.map { try Self.eventArguments($0, receivedAt: receivedAt) }
        return try await pool.write { db in
            let stmt = try db.cachedStatement(sql: Self.sql.insertEvent)
            for arguments in rows { try stmt.execute(arguments: arguments) }
            return events.map(\.id)
        }
    }

    /// The values of `StoreSQL.eventColumns` for one row.
    private static func eventArguments(_ e: Event, receivedAt: Date) throws -> StatementArguments {
        var flip: FlipRecord?
        if case .flip(let f) = e.payload { flip = f }
        return [
            e.id.uuidString, e.device, e.kind.rawValue, e.at.timeIntervalSince1970, receivedAt.timeIntervalSince1970,
            Data(try WireCoding.encode(e)), flip?.from.rawValue, flip?.to.rawValue,
        ]
    }

    /// Writes the flip row and, with `setStatus`, the device's new status; with `onlyFrom`, both only while the
    /// stored status is still that (false when not).
    private static func record(_ f: FlipChange, _ db: Database, setStatus: Bool = true, onlyFrom: DeviceStatus? = nil)
        throws -> Bool
    {
        if setStatus {
            var arguments: StatementArguments = [f.status.rawValue, f.event.at.timeIntervalSince1970, f.device]
            if let onlyFrom { _ = arguments.append(contentsOf: [onlyFrom.rawValue]) }
            try db.execute(sql: sql.setStatus(onlyFrom: onlyFrom != nil), arguments: arguments)
            if onlyFrom != nil, db.changesCount == 0 { return false }
        }
        try db.execute(sql: sql.insertEvent, arguments: try eventArguments(f.event, receivedAt: f.event.at))
        return true
    }

    @discardableResult
    public func recordFlips(_ flips: [FlipChange]) async throws -> [FlipChange] {
        guard !flips.isEmpty else { return [] }
        return try await pool.write { db in
            var recorded: [FlipChange] = []
            // Only from the status still stored (the same rule as PostgreSQL's, where collectors race).
            for f in flips {
                if try Self.record(f, db, onlyFrom: f.from) { recorded.append(f) }
            }
            return recorded
        }
    }

    public func events(device: String, since: Date?, afterSeq: Int64?, limit: Int) async throws -> [StoredEvent] {
        var arguments: StatementArguments = [device]
        if let since { _ = arguments.append(contentsOf: [since.timeIntervalSince1970]) }
        if let afterSeq { _ = arguments.append(contentsOf: [afterSeq]) }
        _ = arguments.append(contentsOf: [limit])
        let sql = Self.sql.events(since: since != nil, afterSeq: afterSeq != nil)
        return try await pool.read { [arguments] db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { try $0.storedEvent() }
        }
    }

    public func timelineEvents(since: Date, device: String?) async throws -> [String: [StoredEvent]] {
        var arguments: StatementArguments = [since.timeIntervalSince1970]
        if let device { _ = arguments.append(contentsOf: [device]) }
        let sql = Self.sql.timeline(oneDevice: device != nil)
        return try await pool.read { [arguments] db in
            var out: [String: [StoredEvent]] = [:]
            for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
                out[row["device"], default: []].append(try row.storedEvent())
            }
            return out
        }
    }

    public func allEvents() async throws -> [StoredEvent] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: Self.sql.allEvents).map { try $0.storedEvent() }
        }
    }

    // MARK: UPS log

    @discardableResult
    public func insertUPSEvents(_ events: [StoredUPSEvent]) async throws -> [UUID] {
        try await pool.write { db in
            let stmt = try db.cachedStatement(sql: Self.sql.insertUPSEvent)
            for e in events {
                try stmt.execute(arguments: [
                    e.id.uuidString, e.ups, e.kind.rawValue, e.at.timeIntervalSince1970, e.status, e.charge, e.runtime,
                    e.inputVoltage, e.reason,
                ])
            }
            return events.map(\.id)
        }
    }

    public func upsEvents(ups: String?, since: Date?, limit: Int) async throws -> [StoredUPSEvent] {
        var arguments: StatementArguments = []
        if let ups { _ = arguments.append(contentsOf: [ups]) }
        if let since { _ = arguments.append(contentsOf: [since.timeIntervalSince1970]) }
        _ = arguments.append(contentsOf: [limit])
        let sql = Self.sql.upsEvents(ups: ups != nil, since: since != nil)
        return try await pool.read { [arguments] db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).compactMap { try $0.storedUPSEvent() }
        }
    }

    // MARK: deliveries

    public func recordDelivery(_ r: DeliveryRecord) async throws {
        try await pool.write { db in
            for d in r.devices {
                try db.execute(
                    sql: Self.sql.insertDelivery,
                    arguments: [
                        r.at.timeIntervalSince1970, d, r.devices.joined(separator: ","), r.notifier,
                        r.kind, r.attempt, r.ok, r.detail,
                    ])
            }
        }
    }

    public func deliveries(device: String, limit: Int) async throws -> [DeliveryRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: Self.sql.deliveries, arguments: [device, limit]).map { try $0.deliveryRecord() }
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
            try Row.fetchAll(db, sql: Self.sql.daily, arguments: [device]).map { try $0.daily() }
        }
    }

    public func deleteEvents(before: Date) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: Self.sql.deleteEventsBefore, arguments: [before.timeIntervalSince1970])
            let events = db.changesCount
            try db.execute(sql: Self.sql.deleteUPSEventsBefore, arguments: [before.timeIntervalSince1970])
            let ups = db.changesCount
            try db.execute(sql: Self.sql.deleteIncidentsBefore, arguments: [before.timeIntervalSince1970])
            let incidents = db.changesCount
            try db.execute(sql: Self.sql.deleteCollectorRecordsBefore, arguments: [before.timeIntervalSince1970])
            return events + ups + incidents + db.changesCount
        }
    }

    public func saveCollectorRecords(_ records: [CollectorRecord]) async throws {
        guard !records.isEmpty else { return }
        try await pool.write { db in
            let stmt = try db.cachedStatement(sql: Self.sql.insertCollectorRecord)
            for r in records {
                try stmt.execute(arguments: [
                    r.id.uuidString, r.at.timeIntervalSince1970, r.kind.rawValue, r.deltaS, r.detail,
                ])
            }
        }
    }

    public func collectorRecords(limit: Int) async throws -> [CollectorRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: Self.sql.collectorRecordsNewest, arguments: [limit]).compactMap {
                try $0.collectorRecord()
            }.reversed()
        }
    }

    // MARK: the notifications' position in the log (NotificationLog)

    public func flips(afterSeq: Int64, limit: Int) async throws -> [StoredEvent] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: Self.sql.flipsAfter, arguments: [afterSeq, limit]).map { try $0.storedEvent() }
        }
    }

    public func notifyCursor() async throws -> Int64 {
        try await pool.read { db in try Int64.fetchOne(db, sql: Self.sql.notifyCursor) ?? 0 }
    }

    public func setNotifyCursor(_ seq: Int64) async throws {
        try await pool.write { db in
            try db.execute(sql: Self.sql.advanceNotifyCursor, arguments: [seq])
        }
    }

    public func redateUnsyncedFlips(receivedIn window: ClosedRange<Date>, by offset: TimeInterval) async throws
        -> Int
    {
        let (from, to) = (window.lowerBound.timeIntervalSince1970, window.upperBound.timeIntervalSince1970)
        return try await pool.write { db in
            var moved = 0
            for row in try Row.fetchAll(db, sql: Self.sql.flipsReceivedIn, arguments: [from, to]) {
                let stored = try row.storedEvent()
                guard let event = UnsyncedRedating.redated(stored.event, by: offset) else { continue }
                try db.execute(
                    sql: Self.sql.redateEvent,
                    arguments: [
                        event.at.timeIntervalSince1970, stored.receivedAt.timeIntervalSince1970 + offset,
                        Data(try WireCoding.encode(event)), stored.seq,
                    ])
                moved += 1
            }
            if moved > 0 { try db.execute(sql: Self.sql.shiftStatusSince, arguments: [offset, from, to]) }
            return moved
        }
    }

    // MARK: maintenance

    public func maintenanceWindows() async throws -> [MaintenanceWindow] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: Self.sql.maintenanceWindows).compactMap { try $0.maintenanceWindow() }
        }
    }

    public func addMaintenance(_ window: MaintenanceWindow) async throws -> Int64 {
        try await pool.write { db in
            try db.execute(sql: Self.sql.insertMaintenance, arguments: [window.spec])
            return db.lastInsertedRowID
        }
    }

    public func removeMaintenance(id: Int64) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: Self.sql.deleteMaintenance, arguments: [id])
            return db.changesCount > 0
        }
    }

    // MARK: collector runs

    public func beginRun(at: Date) async throws -> Date? {
        try await pool.write { db in
            let previous = try Double.fetchOne(
                db, sql: "SELECT alive_at FROM collector_run ORDER BY started_at DESC LIMIT 1")
            try db.execute(sql: Self.sql.insertRun, arguments: [at.timeIntervalSince1970])
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
