/// The service checks' flips (docs/DESIGN.md "Service checks"): one row per change of a check's state, beside its
/// `check` row in the device's log; the newest of each check is its state after a restart.
extension StoreSQL {
    /// The table and its index (migrations `v18-check-flips` on SQLite, `v15-check-flips` on PostgreSQL).
    var checkFlipTable: [String] {
        [
            """
            CREATE TABLE check_flip (
                id \(dialect.uuidType) PRIMARY KEY NOT NULL, device TEXT NOT NULL, name TEXT NOT NULL,
                from_state TEXT, to_state TEXT NOT NULL, at \(dialect.realType) NOT NULL, detail TEXT NOT NULL,
                notify BOOLEAN NOT NULL
            )
            """,
            "CREATE INDEX check_flip_device_at ON check_flip(device, name, at)",
        ]
    }

    static let checkFlipColumns = "id, device, name, from_state, to_state, at, detail, notify"

    /// A check flip, once by id. Binds: the `checkFlipColumns`.
    var insertCheckFlip: String {
        "INSERT INTO check_flip (\(Self.checkFlipColumns)) VALUES (\(values(8))) ON CONFLICT (id) DO NOTHING"
    }

    /// A device's check flips at or after a time, with the newest before it of each check, oldest first.
    /// Binds: device, time.
    var checkFlipsOfDevice: String {
        """
        SELECT \(Self.checkFlipColumns) FROM check_flip c WHERE c.device = \(p(1)) AND (c.at >= \(p(2)) OR c.at = (
            SELECT MAX(x.at) FROM check_flip x WHERE x.device = c.device AND x.name = c.name AND x.at < \(p(2))))
        ORDER BY c.at
        """
    }

    /// The newest flip of every check of every device.
    var newestCheckFlips: String {
        """
        SELECT \(Self.checkFlipColumns) FROM check_flip c WHERE c.at = (
            SELECT MAX(x.at) FROM check_flip x WHERE x.device = c.device AND x.name = c.name)
        """
    }

    /// Retention: the flips older than the bound time, but the newest of each check (its state now). Binds: the time.
    var deleteCheckFlipsBefore: String {
        """
        DELETE FROM check_flip WHERE at < \(p(1)) AND at < (
            SELECT MAX(x.at) FROM check_flip x WHERE x.device = check_flip.device AND x.name = check_flip.name)
        """ + dialect.returningChanged
    }

    /// A device's check flips, when the device goes. Binds: name.
    var deleteDeviceCheckFlips: String { "DELETE FROM check_flip WHERE device = \(p(1))" }
}
