import Foundation

/// `migrate-store`: copies every row of a SQLite store into an empty PostgreSQL one, in one
/// transaction (all or nothing), then compares the row counts of both sides. Login sessions are not copied: users
/// log in again on the new store.
public enum StoreMigration {
    /// The tables copied, in the order they are copied and reported.
    public static let tables = [
        "device", "event", "collector_run", "maintenance", "daily_availability", "delivery", "ups_event", "incident",
        "collector_record", "app_user", "api_key", "status_page", "check_flip",
        "device_alert", "ack_link", "digest_sent", "quiet_sent", "job",
    ]

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Copies `source` into `target`; returns the counts per table (the same on both sides, or it throws).
    public static func copy(from source: SQLiteStore, to target: PostgresStore, batch: Int = 2000) async throws -> [(
        table: String, rows: Int
    )] {
        let expected = try await source.rowCounts()
        try await target.executor.transaction { conn in
            try await refuseNonEmpty(conn)
            try await copyDevices(from: source, to: conn)
            try await copyEvents(from: source, to: conn, batch: batch)
            for table in TableCopy.all { try await table.copy(from: source, to: conn) }
            try await carryOn(conn)
        }
        let copied = try await target.rowCounts()
        for t in tables where copied[t] != expected[t] {
            throw Failure(
                description: "\(t): \(expected[t] ?? 0) rows in the source but \(copied[t] ?? 0) in the target")
        }
        return tables.map { ($0, copied[$0] ?? 0) }
    }

    /// An INSERT of every column given, in their order.
    static func insert(into table: String, _ columns: String) -> String {
        let count = columns.split(separator: ",").count
        return "INSERT INTO \(table) (\(columns)) VALUES (\(StoreSQL.postgres.values(count)))"
    }

    private static func refuseNonEmpty(_ conn: PostgresSQLConnection) async throws {
        for t in tables {
            let n = try await conn.query("SELECT COUNT(*) AS n FROM \(t)") { try $0.int("n") }.first ?? 0
            if n > 0 {
                throw Failure(
                    description: "the target database is not empty (\(t) has \(n) rows): refusing to copy into it")
            }
        }
    }

    private static func copyDevices(from source: SQLiteStore, to conn: PostgresSQLConnection) async throws {
        let statement = insert(into: "device", StoreSQL.deviceColumns)
        for d in try await source.allDevices() { try await conn.execute(statement, d.columnValues) }
    }

    /// The log in batches; it keeps its order and cursors: seq is copied as it is.
    private static func copyEvents(from source: SQLiteStore, to conn: PostgresSQLConnection, batch: Int)
        async throws
    {
        let read = "SELECT seq, \(StoreSQL.eventColumns) FROM event WHERE seq > ?1 ORDER BY seq LIMIT ?2"
        var after: Int64 = 0
        while true {
            let values: [StoreValue] = [.int(after), .integer(batch)]
            let rows = try await source.executor.statements { source in
                try await source.query(read, values) { try eventValues($0) }
            }
            guard case .int(let last?) = rows.last?.first else { break }
            after = last
            try await conn.executeBatch(copyEvents, rows)
        }
    }

    /// An event row with its seq: the values of `copyEvents`.
    private static func eventValues(_ r: any StoreRow) throws -> [StoreValue] {
        let seq = try r.required(r.int("seq"), "seq")
        guard let id = UUID(uuidString: try r.required(r.string("id"), "id")) else {
            throw Failure(description: "event \(seq) has a bad id")
        }
        return [
            .int(seq), .uuid(id), .text(try r.string("device")), .text(try r.string("kind")),
            .double(try r.double("at")),
            .double(try r.double("received_at")), .blob(try r.required(r.data("body"), "body")),
            .text(try r.string("flip_from")), .text(try r.string("flip_to")),
        ]
    }

    private static let copyEvents = """
        INSERT INTO event (seq, \(StoreSQL.eventColumns))
        SELECT seq, id, device, kind, at, received_at, body, NULLIF(flip_from, ''), NULLIF(flip_to, '')
        FROM UNNEST($1::int8[], $2::uuid[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::bytea[],
                    $8::text[], $9::text[])
            AS u(seq, id, device, kind, at, received_at, body, flip_from, flip_to)
        """

    /// New rows continue after the copied ids; the copied flips were notified by the old collector, and the
    /// other collectors and the CLI see a change.
    private static func carryOn(_ conn: PostgresSQLConnection) async throws {
        for (t, c) in [("event", "seq"), ("maintenance", "id"), ("delivery", "id"), ("ups_event", "seq")] {
            try await conn.execute(
                "SELECT setval(pg_get_serial_sequence('\(t)', '\(c)'), COALESCE((SELECT MAX(\(c)) FROM \(t)), 0) + 1, false)",
                [])
        }
        try await conn.execute(
            "UPDATE notify_cursor SET seq = (SELECT COALESCE(MAX(seq), 0) FROM event) WHERE id = 1", [])
        try await conn.execute("UPDATE change_mark SET n = n + 1 WHERE id = 1", [])
    }
}
