import Foundation
import GRDB
import PostgresNIO

/// `migrate-store`: copies every row of a SQLite store into an empty PostgreSQL one, in one
/// transaction (all or nothing), then compares the row counts of both sides.
public enum StoreMigration {
    /// The tables copied, in the order they are copied and reported.
    public static let tables = [
        "device", "event", "collector_run", "maintenance", "daily_availability", "delivery", "ups_event", "incident",
        "collector_record",
    ]

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Copies `source` into `target`; returns the counts per table (the same on both sides, or it throws).
    public static func copy(from source: SQLiteStore, to target: PostgresStore, batch: Int = 2000) async throws -> [(
        table: String, rows: Int
    )] {
        let expected = try await source.rowCounts()
        try await target.transaction { conn in
            for t in tables {
                let n =
                    try await conn.query(PostgresQuery(unsafeSQL: "SELECT COUNT(*) FROM \(t)"), logger: target.logger)
                    .collect().first?.decode(Int.self) ?? 0
                if n > 0 {
                    throw Failure(
                        description: "the target database is not empty (\(t) has \(n) rows): refusing to copy into it")
                }
            }
            let devices = try await source.allDevices()
            for d in devices {
                try await conn.query(
                    """
                    INSERT INTO device (name, token_hash, created_at, paused, interval_override, tags, status, status_since,
                        beat_at, interval_s, agent_version, boot_id, clock_skew_s, clock_synced, uptime_s, seq, site, depends_on)
                    VALUES (\(d.name), \(Data(d.tokenHash)), \(d.createdAt.timeIntervalSince1970), \(d.paused), \(d.intervalOverride),
                        \(d.tags.joined(separator: ",")), \(d.status.rawValue), \(d.statusSince.timeIntervalSince1970),
                        \(d.beat?.at.timeIntervalSince1970), \(d.beat?.intervalS), \(d.beat?.agentVersion), \(d.beat?.bootID),
                        \(d.beat?.clockSkewS), \(d.beat?.clockSynced), \(d.beat?.uptimeS), \(d.beat.map { Int64(clamping: $0.seq) }),
                        \(d.site), \(d.dependsOn))
                    """, logger: target.logger)
            }
            var after: Int64 = 0
            while true {
                let rows = try source.pool.read { db in
                    try Row.fetchAll(
                        db, sql: "SELECT seq, \(StoreSQL.eventColumns) FROM event WHERE seq > ? ORDER BY seq LIMIT ?",
                        arguments: [after, batch])
                }
                guard let last = rows.last else { break }
                after = last["seq"]
                // The log keeps its order and cursors: seq is copied as it is.
                let ids = try rows.map { r -> UUID in
                    guard let id = UUID(uuidString: r["id"]) else {
                        throw Failure(description: "event \(r["seq"] as Int64) has a bad id")
                    }
                    return id
                }
                try await conn.query(
                    """
                    INSERT INTO event (seq, \(unescaped: StoreSQL.eventColumns))
                    SELECT seq, id, device, kind, at, received_at, body, NULLIF(flip_from, ''), NULLIF(flip_to, '')
                    FROM UNNEST(\(rows.map { $0["seq"] as Int64 })::int8[], \(ids)::uuid[], \(rows.map { $0["device"] as String })::text[],
                        \(rows.map { $0["kind"] as String })::text[], \(rows.map { $0["at"] as Double })::float8[],
                        \(rows.map { $0["received_at"] as Double })::float8[], \(rows.map { ByteBuffer(bytes: $0["body"] as Data) })::bytea[],
                        \(rows.map { $0["flip_from"] as String? ?? "" })::text[], \(rows.map { $0["flip_to"] as String? ?? "" })::text[])
                        AS u(seq, id, device, kind, at, received_at, body, flip_from, flip_to)
                    """, logger: target.logger)
            }
            let small = try source.pool.read { db in
                (
                    try Row.fetchAll(db, sql: "SELECT started_at, alive_at FROM collector_run"),
                    try Row.fetchAll(db, sql: "SELECT id, spec FROM maintenance"),
                    try Row.fetchAll(db, sql: "SELECT device, day, down_s, known_s FROM daily_availability"),
                    try Row.fetchAll(
                        db, sql: "SELECT id, at, device, devices, notifier, kind, attempt, ok, detail FROM delivery"),
                    try Row.fetchAll(db, sql: "SELECT \(StoreSQL.incidentColumns), updated_at FROM incident"),
                    try Row.fetchAll(db, sql: "SELECT \(StoreSQL.collectorRecordColumns) FROM collector_record")
                )
            }
            for r in small.0 {
                try await conn.query(
                    "INSERT INTO collector_run VALUES (\(r["started_at"] as Double), \(r["alive_at"] as Double))",
                    logger: target.logger)
            }
            for r in small.1 {
                try await conn.query(
                    "INSERT INTO maintenance (id, spec) VALUES (\(r["id"] as Int64), \(r["spec"] as String))",
                    logger: target.logger)
            }
            for r in small.2 {
                try await conn.query(
                    """
                    INSERT INTO daily_availability VALUES (\(r["device"] as String), \(r["day"] as String), \(r["down_s"] as Double), \(r["known_s"] as Double))
                    """, logger: target.logger)
            }
            for r in small.3 {
                try await conn.query(
                    """
                    INSERT INTO delivery (id, at, device, devices, notifier, kind, attempt, ok, detail)
                    VALUES (\(r["id"] as Int64), \(r["at"] as Double), \(r["device"] as String), \(r["devices"] as String),
                        \(r["notifier"] as String), \(r["kind"] as String), \(r["attempt"] as Int), \((r["ok"] as Int) != 0), \(r["detail"] as String))
                    """, logger: target.logger)
            }
            // The UPS log keeps its order: seq is copied as it is.
            let upsRows = try source.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT seq, \(StoreSQL.upsEventColumns) FROM ups_event ORDER BY seq")
            }
            for r in upsRows {
                guard let id = UUID(uuidString: r["id"]) else {
                    throw Failure(description: "UPS event \(r["seq"] as Int64) has a bad id")
                }
                try await conn.query(
                    """
                    INSERT INTO ups_event (seq, \(unescaped: StoreSQL.upsEventColumns))
                    VALUES (\(r["seq"] as Int64), \(id), \(r["ups"] as String), \(r["kind"] as String), \(r["at"] as Double),
                        \(r["status"] as String?), \(r["charge"] as Double?), \(r["runtime_s"] as Double?),
                        \(r["input_voltage"] as Double?), \(r["reason"] as String?))
                    """, logger: target.logger)
            }
            for r in small.4 {
                try await conn.query(
                    """
                    INSERT INTO incident (\(unescaped: StoreSQL.incidentColumns), updated_at)
                    VALUES (\(r["id"] as String), \(r["kind"] as String), \(r["site"] as String), \(r["start_at"] as Double),
                        \(r["end_at"] as Double?), \((r["collector_down"] as Int) != 0), \(r["members"] as String),
                        \(r["unaffected"] as String), \(r["mains_out_ups"] as String?), \(r["mains_out_at"] as Double?),
                        \(r["updated_at"] as Double))
                    """, logger: target.logger)
            }
            for r in small.5 {
                guard let record = try r.collectorRecord() else { continue }
                try await conn.query(
                    """
                    INSERT INTO collector_record (\(unescaped: StoreSQL.collectorRecordColumns))
                    VALUES (\(record.id), \(record.at.timeIntervalSince1970), \(record.kind.rawValue), \(record.deltaS),
                        \(record.detail))
                    """, logger: target.logger)
            }
            // New rows continue after the copied ids.
            for (t, c) in [("event", "seq"), ("maintenance", "id"), ("delivery", "id"), ("ups_event", "seq")] {
                try await conn.query(
                    PostgresQuery(
                        unsafeSQL: """
                            SELECT setval(pg_get_serial_sequence('\(t)', '\(c)'), COALESCE((SELECT MAX(\(c)) FROM \(t)), 0) + 1, false)
                            """), logger: target.logger)
            }
            // The old collector notified the copied flips already.
            try await conn.query(
                "UPDATE notify_cursor SET seq = (SELECT COALESCE(MAX(seq), 0) FROM event) WHERE id = 1",
                logger: target.logger)
            // The other collectors and the CLI see a change.
            try await conn.query("UPDATE change_mark SET n = n + 1 WHERE id = 1", logger: target.logger)
        }
        let copied = try await target.rowCounts()
        for t in tables where copied[t] != expected[t] {
            throw Failure(
                description: "\(t): \(expected[t] ?? 0) rows in the source but \(copied[t] ?? 0) in the target")
        }
        return tables.map { ($0, copied[$0] ?? 0) }
    }
}

extension SQLiteStore {
    /// Rows per table of `StoreMigration.tables`.
    public func rowCounts() async throws -> [String: Int] {
        try await pool.read { db in
            var out: [String: Int] = [:]
            for t in StoreMigration.tables { out[t] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(t)") ?? 0 }
            return out
        }
    }
}

extension PostgresStore {
    /// Rows per table of `StoreMigration.tables`.
    public func rowCounts() async throws -> [String: Int] {
        var out: [String: Int] = [:]
        for t in StoreMigration.tables {
            out[t] =
                try await client.query(
                    PostgresQuery(unsafeSQL: "SELECT COUNT(*) FROM \(t)"), logger: logger, timeout: Self.longTimeout
                )
                .collect().first?.decode(Int.self) ?? 0
        }
        return out
    }
}
