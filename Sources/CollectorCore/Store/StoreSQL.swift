import DowntimeProtocol

/// The SQL both stores run, written once: the device and event row shapes, the log reads, the timeline query,
/// retention, device administration, deliveries, maintenance windows and runs; the migrations added since the
/// stores shared it (`StoreSQL+Schema`). `dialect` is the only difference; values are bound by number
/// (`?1`/`$1`), in the order each statement's comment gives. The statements whose form differs by backend are
/// in `StoreSQL+Batches`.
struct StoreSQL: Sendable {
    let dialect: SQLDialect

    static let sqlite = StoreSQL(dialect: .sqlite)
    static let postgres = StoreSQL(dialect: .postgres)

    func p(_ n: Int) -> String { dialect.placeholder(n) }
    /// The first `n` placeholders, comma separated.
    func values(_ n: Int) -> String { (1...n).map(p).joined(separator: ", ") }

    /// A constant of the code as an SQL literal (raw values are plain words, never quotes).
    static func literal(_ text: String) -> String { "'\(text)'" }
    static let flip = literal(Event.Kind.flip.rawValue)
    static let outage = literal(Event.Kind.outage.rawValue)
    static let down = literal(DeviceStatus.down.rawValue)

    // MARK: devices

    /// The columns `StoreRow.deviceRecord()` reads.
    static let deviceColumns = """
        name, token_hash, created_at, paused, interval_override, tags, status, status_since, \
        beat_at, interval_s, agent_version, boot_id, clock_skew_s, clock_synced, uptime_s, seq, storage_warning, site, \
        depends_on, display_name
        """

    /// Every device, by name.
    var allDevices: String { "SELECT \(Self.deviceColumns) FROM device ORDER BY name" }
    /// Binds: name.
    var deviceNamed: String { "SELECT \(Self.deviceColumns) FROM device WHERE name = \(p(1))" }
    /// Binds: token hash.
    var deviceWithTokenHash: String { "SELECT \(Self.deviceColumns) FROM device WHERE token_hash = \(p(1))" }
    /// Every device with a stored beat, whichever collector wrote it.
    var devicesWithBeat: String { "SELECT \(Self.deviceColumns) FROM device WHERE beat_at IS NOT NULL" }

    /// A new device, unless its name is taken (then nothing changes). Binds: name, token hash, created at, paused,
    /// interval override, tags, status, status since.
    var insertDevice: String {
        "INSERT INTO device (name, token_hash, created_at, paused, interval_override, tags, status, status_since) "
            + "VALUES (\(values(8))) ON CONFLICT (name) DO NOTHING" + dialect.returningChanged
    }

    /// A device's log, when the device goes. Binds: name.
    var deleteDeviceEvents: String { "DELETE FROM event WHERE device = \(p(1))" }
    /// A device's dependants depend on nothing once it goes. Binds: name.
    var clearDependants: String { "UPDATE device SET depends_on = NULL WHERE depends_on = \(p(1))" }
    /// Binds: name.
    var deleteDevice: String { "DELETE FROM device WHERE name = \(p(1))" + dialect.returningChanged }

    /// The admin's settings of a device, each a column.
    enum Setting: String {
        case paused, tags, site
        case intervalOverride = "interval_override"
        case dependsOn = "depends_on"
        case displayName = "display_name"
        /// A new token's hash.
        case tokenHash = "token_hash"
    }

    /// Sets one admin setting. Binds: the value, the name.
    func set(_ setting: Setting) -> String {
        "UPDATE device SET \(setting.rawValue) = \(p(1)) WHERE name = \(p(2))" + dialect.returningChanged
    }

    /// A flip's new status; with `onlyFrom`, only while the stored one is still the flip's `from` (another collector
    /// may have recorded the change first). Binds: status, since, name, then with `onlyFrom` the `from`.
    func setStatus(onlyFrom: Bool) -> String {
        "UPDATE device SET status = \(p(1)), status_since = \(p(2)) WHERE name = \(p(3))"
            + (onlyFrom ? " AND status = \(p(4))" : "") + dialect.returningChanged
    }

    // MARK: events

    /// The columns `StoreRow.storedEvent()` reads.
    static let storedEventColumns = "seq, received_at, body"
    /// What a new row is written with; `flip_from`/`flip_to` are a flip's statuses (NULL on other kinds).
    static let eventColumns = "id, device, kind, at, received_at, body, flip_from, flip_to"

    /// One row, ignored when its id is stored already. Binds: the eight `eventColumns`.
    var insertEvent: String {
        "INSERT INTO event (\(Self.eventColumns)) VALUES (\(values(8))) ON CONFLICT (id) DO NOTHING"
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

    /// Flips received in a window and dated in it: the candidates for re-dating (`UnsyncedRedating`). Binds: the
    /// window's start and end.
    var flipsReceivedIn: String {
        "SELECT \(Self.storedEventColumns) FROM event WHERE kind = \(Self.flip) AND received_at >= \(p(1)) "
            + "AND received_at <= \(p(2)) AND at >= \(p(1)) ORDER BY seq"
    }

    /// A flip by its id. Binds: the id.
    var flipWithID: String {
        "SELECT \(Self.storedEventColumns) FROM event WHERE id = \(p(1)) AND kind = \(Self.flip)"
    }

    /// A device's status since a flip, moved with it. Binds: the new time, the device, the flip's old time.
    var moveStatusSince: String {
        "UPDATE device SET status_since = \(p(1)) WHERE name = \(p(2)) AND status_since = \(p(3))"
    }

    /// One row moved in time. Binds: at, received_at, body, seq.
    var redateEvent: String {
        "UPDATE event SET at = \(p(1)), received_at = \(p(2)), body = \(p(3)) WHERE seq = \(p(4))"
    }

    /// Devices whose status changed in a window: since then by `offset`. Binds: offset, the window's start and end.
    var shiftStatusSince: String {
        "UPDATE device SET status_since = status_since + \(p(1)) WHERE status_since >= \(p(2)) AND status_since <= \(p(3))"
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
        let lastDown =
            "SELECT at FROM event WHERE device = d.name AND kind = \(Self.flip) AND at < \(since) "
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

    /// A device's daily figures, oldest first. Binds: device.
    var daily: String { "SELECT day, down_s, known_s FROM daily_availability WHERE device = \(p(1)) ORDER BY day" }

    // MARK: deliveries

    /// One row per device a delivery was about. Binds: at, device, devices, notifier, kind, attempt, ok, detail.
    var insertDelivery: String {
        "INSERT INTO delivery (at, device, devices, notifier, kind, attempt, ok, detail) VALUES (\(values(8)))"
    }

    /// The columns `StoreRow.deliveryRecord()` reads, newest first. Binds: device, limit.
    var deliveries: String {
        "SELECT at, devices, notifier, kind, attempt, ok, detail FROM delivery WHERE device = \(p(1)) "
            + "ORDER BY id DESC LIMIT \(p(2))"
    }

    // MARK: maintenance and runs

    /// The columns `StoreRow.maintenanceWindow()` reads.
    var maintenanceWindows: String { "SELECT id, spec FROM maintenance ORDER BY id" }
    /// Binds: the spec.
    var insertMaintenance: String { "INSERT INTO maintenance (spec) VALUES (\(p(1)))" + dialect.returningID }
    /// Binds: the id.
    /// The devices' maintenance events since a time (`StoreRow.storedEvent()` reads them). Binds: the time.
    var maintenanceEvents: String {
        let kinds = [Event.Kind.maintenanceStart, .maintenanceEnd].map { Self.literal($0.rawValue) }
        return "SELECT \(Self.storedEventColumns) FROM event WHERE kind IN (\(kinds.joined(separator: ", "))) "
            + "AND at >= \(p(1)) ORDER BY at, seq"
    }

    /// Device maintenance is read by kind at every start and reload: an index, not a scan of the log. Partial, on
    /// the maintenance kinds only: a plain (kind, at) index was taken by the planner for every device's timeline read
    /// (the overview of 10,000 devices went from 1.4 s to 6.6 s, its re-read after a restart past 20 s).
    var eventKindIndex: [String] {
        let kinds = [Event.Kind.maintenanceStart, .maintenanceEnd].map { Self.literal($0.rawValue) }
        return ["CREATE INDEX event_maintenance_at ON event(at) WHERE kind IN (\(kinds.joined(separator: ", ")))"]
    }

    var deleteMaintenance: String { "DELETE FROM maintenance WHERE id = \(p(1))" + dialect.returningChanged }

    /// The newest run's sign of life. Binds: the time.
    var markNewestRunAlive: String {
        "UPDATE collector_run SET alive_at = \(p(1)) WHERE started_at = (SELECT MAX(started_at) FROM collector_run)"
    }

    /// A run starting (again, at the same time: alive then). Binds: the time.
    var insertRun: String {
        "INSERT INTO collector_run (started_at, alive_at) VALUES (\(p(1)), \(p(1))) "
            + "ON CONFLICT (started_at) DO UPDATE SET alive_at = excluded.alive_at"
    }

    // MARK: UPS log

    /// What a UPS event row is written with.
    static let upsEventColumns = "id, ups, kind, at, status, charge, runtime_s, input_voltage, reason"

    /// One row, ignored when its id is stored already. Binds: the nine `upsEventColumns`.
    var insertUPSEvent: String {
        "INSERT INTO ups_event (\(Self.upsEventColumns)) VALUES (\(values(9))) ON CONFLICT (id) DO NOTHING"
    }

    /// The columns `StoreRow.storedUPSEvent()` reads; the id as text in both stores.
    private static let upsEventReadColumns =
        "seq, CAST(id AS TEXT) AS id, ups, kind, at, status, charge, runtime_s, input_voltage, reason"

    /// UPS events newest first. Binds: the UPS and `since` when asked for (in that order), then the limit.
    func upsEvents(ups: Bool, since: Bool) -> String {
        var n = 0
        var conditions: [String] = []
        if ups {
            n += 1
            conditions.append("ups = \(p(n))")
        }
        if since {
            n += 1
            conditions.append("at >= \(p(n))")
        }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return "SELECT \(Self.upsEventReadColumns) FROM ups_event\(filter) ORDER BY at DESC, seq DESC LIMIT \(p(n + 1))"
    }

    /// Incidents that ended before the bound time (an open one stays). Binds: the time.
    var deleteIncidentsBefore: String {
        "DELETE FROM incident WHERE end_at IS NOT NULL AND end_at < \(p(1))" + dialect.returningChanged
    }
    /// Retention of the UPS log. Binds: the time.
    var deleteUPSEventsBefore: String { "DELETE FROM ups_event WHERE at < \(p(1))" + dialect.returningChanged }

    // MARK: incidents

    /// The columns `StoreRow.incident()` reads.
    static let incidentColumns =
        "id, kind, site, start_at, end_at, collector_down, members, unaffected, mains_out_ups, mains_out_at"

    /// Writes an incident, replacing the one of the same id. Binds: the ten `incidentColumns`, updated at.
    var upsertIncident: String {
        "INSERT INTO incident (\(Self.incidentColumns), updated_at) VALUES (\(values(11))) ON CONFLICT (id) DO UPDATE SET "
            + "kind = excluded.kind, site = excluded.site, start_at = excluded.start_at, end_at = excluded.end_at, "
            + "collector_down = excluded.collector_down, members = excluded.members, "
            + "unaffected = excluded.unaffected, mains_out_ups = excluded.mains_out_ups, "
            + "mains_out_at = excluded.mains_out_at, updated_at = excluded.updated_at"
    }

    /// The incidents that started at or after a time, newest first. Binds: the time.
    var incidentsSince: String {
        "SELECT \(Self.incidentColumns) FROM incident WHERE start_at >= \(p(1)) ORDER BY start_at DESC, id DESC"
    }

    /// Binds: the id.
    var incidentWithID: String { "SELECT \(Self.incidentColumns) FROM incident WHERE id = \(p(1))" }

    /// The incidents whose message has not gone out, that started at or after a time. Binds: the time.
    var untoldIncidents: String {
        "SELECT \(Self.incidentColumns) FROM incident WHERE told_at IS NULL AND start_at >= \(p(1)) "
            + "ORDER BY start_at, id"
    }

    /// Marks an incident's message sent. Binds: the time, the id.
    var markIncidentTold: String { "UPDATE incident SET told_at = \(p(1)) WHERE id = \(p(2)) AND told_at IS NULL" }

    /// Every incident recorded, counted by kind.
    var incidentCounts: String { "SELECT kind, COUNT(*) AS n FROM incident GROUP BY kind" }

    /// The rows the notifications follow (flips, agents' `storage` events, service checks' flips) after a position in
    /// the log, in log order. Binds: seq, limit.
    var toldEventsAfter: String {
        let kinds = [Event.Kind.storage, .check, .jobFlip].map { Self.literal($0.rawValue) }.joined(separator: ", ")
        return "SELECT \(Self.storedEventColumns) FROM event WHERE kind IN (\(Self.flip), \(kinds)) "
            + "AND seq > \(p(1)) ORDER BY seq LIMIT \(p(2))"
    }

    var notifyCursor: String { "SELECT seq, held FROM notify_cursor WHERE id = 1" }

    /// Moves the cursor forward, never back, and sets the rows before it still held. Binds: the position, the held
    /// rows' positions (comma separated).
    var advanceNotifyCursor: String {
        "UPDATE notify_cursor SET seq = \(dialect.greatest("seq", p(1))), held = \(p(2)) WHERE id = 1"
    }

    static let collectorRecordColumns = "id, at, kind, delta_s, detail"

    /// Binds: the record's columns; a record already stored is left as it is.
    var insertCollectorRecord: String {
        "INSERT INTO collector_record (\(Self.collectorRecordColumns)) VALUES (\(p(1)), \(p(2)), \(p(3)), \(p(4)), \(p(5))) "
            + "ON CONFLICT (id) DO NOTHING"
    }

    /// The newest records, newest first. Binds: the limit.
    var collectorRecordsNewest: String {
        "SELECT \(Self.collectorRecordColumns) FROM collector_record ORDER BY at DESC, id LIMIT \(p(1))"
    }

    /// Binds: the time.
    var deleteCollectorRecordsBefore: String {
        "DELETE FROM collector_record WHERE at < \(p(1))" + dialect.returningChanged
    }
}
