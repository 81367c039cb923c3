/// Acknowledgements, snoozes, critical devices and acknowledge links (docs/DESIGN.md "Acknowledge, snooze,
/// critical"): the same text on both stores.
extension StoreSQL {
    /// The tables (migrations `v20-ack-snooze` on SQLite, `v17-ack-snooze` on PostgreSQL).
    var alertTables: [String] {
        [
            """
            CREATE TABLE device_alert (
                device TEXT PRIMARY KEY NOT NULL, critical BOOLEAN NOT NULL DEFAULT FALSE,
                snoozed_until \(dialect.realType), ack_since \(dialect.realType), ack_at \(dialect.realType),
                ack_by TEXT
            )
            """,
            """
            CREATE TABLE ack_link (
                hash TEXT NOT NULL, device TEXT NOT NULL, since \(dialect.realType) NOT NULL,
                created_at \(dialect.realType) NOT NULL, used_at \(dialect.realType), PRIMARY KEY (hash, device)
            )
            """,
        ]
    }

    static let deviceAlertColumns = "device, critical, snoozed_until, ack_since, ack_at, ack_by"
    static let ackLinkColumns = "hash, device, since, created_at, used_at"

    var allDeviceAlerts: String { "SELECT \(Self.deviceAlertColumns) FROM device_alert" }

    /// One column of a device's row, made when missing; only for a device that exists. Binds: device, the value(s).
    func upsertAlert(_ columns: [String]) -> String {
        let binds = columns.indices.map { p($0 + 2) }.joined(separator: ", ")
        let sets = columns.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        return """
            INSERT INTO device_alert (device, \(columns.joined(separator: ", "))) SELECT name, \(binds) FROM device
            WHERE name = \(p(1)) ON CONFLICT (device) DO UPDATE SET \(sets)
            """ + dialect.returningChanged
    }

    /// Binds: the five `ackLinkColumns`.
    var insertAckLink: String {
        "INSERT INTO ack_link (\(Self.ackLinkColumns)) VALUES (\(values(5))) ON CONFLICT (hash, device) DO NOTHING"
    }
    /// Binds: hash.
    var ackLinkRows: String { "SELECT \(Self.ackLinkColumns) FROM ack_link WHERE hash = \(p(1)) ORDER BY device" }
    /// Binds: used at, hash.
    var useAckLink: String {
        "UPDATE ack_link SET used_at = \(p(1)) WHERE hash = \(p(2)) AND used_at IS NULL" + dialect.returningChanged
    }
    /// Links older than their outages could be: binds a time.
    var deleteOldAckLinks: String { "DELETE FROM ack_link WHERE created_at < \(p(1))" }
    var deleteDeviceAlert: String { "DELETE FROM device_alert WHERE device = \(p(1))" }
    var deleteDeviceAckLinks: String { "DELETE FROM ack_link WHERE device = \(p(1))" }
}
