/// The statements whose form differs by backend: the batch writes (SQLite one prepared statement per row,
/// PostgreSQL one `UNNEST` statement per batch, see `SQLConnection.executeBatch`) and what only several
/// collectors sharing PostgreSQL need (docs/DESIGN.md "Storage", "Several collectors").
extension StoreSQL {
    // MARK: batches

    /// The newest beats. Binds per row: the name, then the beat columns (`BeatState.columnValues`). On PostgreSQL
    /// a beat never moves back in time: another collector may have stored a newer one.
    var updateBeats: String {
        switch dialect {
        case .sqlite:
            "UPDATE device SET beat_at = \(p(2)), interval_s = \(p(3)), agent_version = \(p(4)), boot_id = \(p(5)), "
                + "clock_skew_s = \(p(6)), clock_synced = \(p(7)), uptime_s = \(p(8)), seq = \(p(9)), "
                + "storage_warning = \(p(10)) WHERE name = \(p(1))"
        case .postgres:
            """
            UPDATE device d SET beat_at = u.beat_at, interval_s = u.interval_s, agent_version = u.agent_version,
                boot_id = u.boot_id, clock_skew_s = u.clock_skew_s, clock_synced = u.clock_synced, uptime_s = u.uptime_s,
                seq = u.seq, storage_warning = NULLIF(u.storage_warning, '')
            FROM UNNEST(\(p(1))::text[], \(p(2))::float8[], \(p(3))::int8[], \(p(4))::text[], \(p(5))::text[],
                        \(p(6))::float8[], \(p(7))::bool[], \(p(8))::float8[], \(p(9))::int8[], \(p(10))::text[])
                AS u(name, beat_at, interval_s, agent_version, boot_id, clock_skew_s, clock_synced, uptime_s, seq,
                     storage_warning)
            WHERE d.name = u.name AND (d.beat_at IS NULL OR d.beat_at <= u.beat_at)
            """
        }
    }

    /// New log rows, in order, each ignored when its id is stored already. Binds per row: the eight `eventColumns`
    /// (PostgreSQL's arrays hold an empty text for a NULL flip status).
    var insertEvents: String {
        switch dialect {
        case .sqlite: insertEvent
        case .postgres:
            """
            INSERT INTO event (\(Self.eventColumns))
            SELECT id, device, kind, at, received_at, body, NULLIF(flip_from, ''), NULLIF(flip_to, '')
            FROM UNNEST(\(p(1))::uuid[], \(p(2))::text[], \(p(3))::text[], \(p(4))::float8[], \(p(5))::float8[],
                        \(p(6))::bytea[], \(p(7))::text[], \(p(8))::text[])
                WITH ORDINALITY AS u(id, device, kind, at, received_at, body, flip_from, flip_to, ord)
            ORDER BY ord
            ON CONFLICT (id) DO NOTHING RETURNING 1
            """
        }
    }

    /// Daily figures, replacing the same days. Binds per row: device, day, down seconds, known seconds.
    var saveDaily: String {
        switch dialect {
        case .sqlite: "INSERT OR REPLACE INTO daily_availability VALUES (\(values(4)))"
        case .postgres:
            """
            INSERT INTO daily_availability (device, day, down_s, known_s)
            SELECT * FROM UNNEST(\(p(1))::text[], \(p(2))::text[], \(p(3))::float8[], \(p(4))::float8[])
            ON CONFLICT (device, day) DO UPDATE SET down_s = EXCLUDED.down_s, known_s = EXCLUDED.known_s
            """
        }
    }

    // MARK: runs

    /// The previous run's last sign of life, as `alive_at` (no row, or NULL, without one): SQLite's newest run,
    /// PostgreSQL's newest sign of life of any collector.
    var previousRunAlive: String {
        switch dialect {
        case .sqlite: "SELECT alive_at FROM collector_run ORDER BY started_at DESC LIMIT 1"
        case .postgres: "SELECT MAX(alive_at) AS alive_at FROM collector_run"
        }
    }

    /// This collector's own run alive (`sharedByCollectors`). Binds: the time, the run's start.
    var markOwnRunAlive: String { "UPDATE collector_run SET alive_at = \(p(1)) WHERE started_at = \(p(2))" }

    // MARK: several collectors

    /// Tells the other collectors and the CLI that something changed, in the writer's transaction; nil where
    /// the database tells it by itself (SQLite's `data_version`).
    var bumpChangeMark: String? {
        dialect.sharedByCollectors ? "UPDATE change_mark SET n = n + 1 WHERE id = 1" : nil
    }

    /// Flip rows are written one transaction at a time across all collectors, so that their log numbers are also
    /// their commit order: the leader's notifications follow them by number. Nil where writes are serial anyway.
    var lockFlips: String? {
        dialect.sharedByCollectors
            ? "SELECT pg_advisory_xact_lock(hashtext('downtimemon-flips:' || current_schema()))" : nil
    }
}
