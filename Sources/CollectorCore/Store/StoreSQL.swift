import DowntimeProtocol

/// The SQL both stores run, written once: the device and event row shapes, the log reads, the timeline query,
/// retention and the migrations added since the stores shared it. `dialect` is the only difference; values are
/// bound by number (`?1`/`$1`), in the order each statement's comment gives.
struct StoreSQL: Sendable {
    let dialect: SQLDialect

    static let sqlite = StoreSQL(dialect: .sqlite)
    static let postgres = StoreSQL(dialect: .postgres)

    private func p(_ n: Int) -> String { dialect.placeholder(n) }

    /// A constant of the code as an SQL literal (raw values are plain words, never quotes).
    private static func literal(_ text: String) -> String { "'\(text)'" }
    private static let flip = literal(Event.Kind.flip.rawValue)
    private static let outage = literal(Event.Kind.outage.rawValue)
    private static let down = literal(DeviceStatus.down.rawValue)

    // MARK: devices

    /// The columns `StoreRow.deviceRecord()` reads.
    static let deviceColumns = """
        name, token_hash, created_at, paused, interval_override, tags, status, status_since, \
        beat_at, interval_s, agent_version, boot_id, clock_skew_s, clock_synced, uptime_s, seq
        """

    /// Every device, by name.
    var allDevices: String { "SELECT \(Self.deviceColumns) FROM device ORDER BY name" }
    /// Binds: name.
    var deviceNamed: String { "SELECT \(Self.deviceColumns) FROM device WHERE name = \(p(1))" }
    /// Binds: token hash.
    var deviceWithTokenHash: String { "SELECT \(Self.deviceColumns) FROM device WHERE token_hash = \(p(1))" }

    // MARK: events

    /// The columns `StoreRow.storedEvent()` reads.
    static let storedEventColumns = "seq, received_at, body"
    /// What a new row is written with; `flip_from`/`flip_to` are a flip's statuses (NULL on other kinds).
    static let eventColumns = "id, device, kind, at, received_at, body, flip_from, flip_to"

    /// One row, ignored when its id is stored already. Binds: the eight `eventColumns`.
    var insertEvent: String {
        let values = (1...8).map(p).joined(separator: ", ")
        return "INSERT INTO event (\(Self.eventColumns)) VALUES (\(values)) ON CONFLICT (id) DO NOTHING"
    }

    /// A device's log in log order. Binds: device, then `since` and `afterSeq` when asked for, then the limit.
    func events(since: Bool, afterSeq: Bool) -> String {
        var n = 1
        var sql = "SELECT \(Self.storedEventColumns) FROM event WHERE device = \(p(n))"
        if since {
            n += 1
            sql += " AND at >= \(p(n))"
        }
        if afterSeq {
            n += 1
            sql += " AND seq > \(p(n))"
        }
        return sql + " ORDER BY seq LIMIT \(p(n + 1))"
    }

    /// Every device's log, for export.
    var allEvents: String { "SELECT \(Self.storedEventColumns) FROM event ORDER BY device, at, seq" }

    /// In the window, every row that shapes outages; before it, per device only its first flip (since when it is
    /// known), its newest flip (its state as the window opens) and its newest outage (the down flip, the flip that
    /// ended it, the agent's report), so old history costs nothing. Binds: the window's start, then the device.
    func timeline(oneDevice: Bool) -> String {
        let since = p(1)
        let kinds = Event.Kind.timelineShaping.map { Self.literal($0.rawValue) }.joined(separator: ", ")
        let newest = "ORDER BY at DESC, seq DESC LIMIT 1"
        let lastDown = "SELECT at FROM event WHERE device = d.name AND kind = \(Self.flip) AND at < \(since) "
            + "AND flip_to = \(Self.down) \(newest)"
        return """
            SELECT device, \(Self.storedEventColumns), at FROM event
            WHERE at >= \(since) AND kind IN (\(kinds))\(oneDevice ? " AND device = \(p(2))" : "")
            UNION
            SELECT e.device, e.seq, e.received_at, e.body, e.at FROM device d JOIN event e ON e.seq IN (
                (SELECT seq FROM event WHERE device = d.name AND kind = \(Self.flip) ORDER BY at, seq LIMIT 1),
                (SELECT seq FROM event WHERE device = d.name AND kind = \(Self.flip) AND at < \(since) \(newest)),
                (SELECT seq FROM event WHERE device = d.name AND kind = \(Self.outage) AND at < \(since) \(newest)),
                (SELECT seq FROM event WHERE device = d.name AND kind = \(Self.flip) AND at < \(since)
                    AND flip_to = \(Self.down) \(newest)),
                (SELECT f.seq FROM event f WHERE f.device = d.name AND f.kind = \(Self.flip)
                    AND f.flip_from = \(Self.down) AND f.at >= (\(lastDown))
                    ORDER BY f.at, f.seq LIMIT 1))
            \(oneDevice ? "WHERE d.name = \(p(2))" : "")
            ORDER BY at, seq
            """
    }

    // MARK: retention

    /// Deletes the rows older than the bound time, but a device's first flip out of `new`: it says since when the
    /// device is known. Binds: the time.
    var deleteEventsBefore: String {
        let firstFlip = "kind = \(Self.flip) AND flip_from = \(Self.literal(DeviceStatus.new.rawValue))"
        return "DELETE FROM event WHERE at < \(p(1)) AND NOT (\(firstFlip))" + dialect.returningChanged
    }

    // MARK: migrations

    /// A flip's from/to as columns, so that queries filter on them instead of searching the JSON body; the rows
    /// already stored get theirs from their body (its text as it is, even one no `DeviceStatus` spells).
    var flipColumns: [String] {
        [
            "ALTER TABLE event ADD COLUMN flip_from TEXT",
            "ALTER TABLE event ADD COLUMN flip_to TEXT",
            "UPDATE event SET flip_from = \(dialect.bodyField("from")), flip_to = \(dialect.bodyField("to")) "
                + "WHERE kind = \(Self.flip)",
        ]
    }
}
