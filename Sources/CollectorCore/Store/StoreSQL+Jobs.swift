import DowntimeProtocol

/// Registered jobs (docs/DESIGN.md "Jobs"; migrations SQLite `v24-jobs`, PostgreSQL `v21-jobs`): the same text on
/// both stores.
extension StoreSQL {
    var jobTable: [String] {
        [
            """
            CREATE TABLE job (
                name TEXT PRIMARY KEY NOT NULL, device TEXT NOT NULL, schedule TEXT NOT NULL,
                grace \(dialect.realType) NOT NULL, max_runtime \(dialect.realType), key_hash TEXT NOT NULL UNIQUE,
                created_at \(dialect.realType) NOT NULL, state TEXT NOT NULL, state_since \(dialect.realType) NOT NULL
            )
            """
        ]
    }

    static let jobColumns = "name, device, schedule, grace, max_runtime, key_hash, created_at, state, state_since"

    var allJobs: String { "SELECT \(Self.jobColumns) FROM job ORDER BY name" }
    /// Binds: name.
    var jobNamed: String { "SELECT \(Self.jobColumns) FROM job WHERE name = \(p(1))" }
    /// Binds: the key hash (hex).
    var jobWithKey: String { "SELECT \(Self.jobColumns) FROM job WHERE key_hash = \(p(1))" }
    /// Binds: the nine `jobColumns`.
    var insertJob: String {
        "INSERT INTO job (\(Self.jobColumns)) VALUES (\(values(9))) ON CONFLICT (name) DO NOTHING"
            + dialect.returningChanged
    }
    /// Binds: name.
    var deleteJob: String { "DELETE FROM job WHERE name = \(p(1))" + dialect.returningChanged }
    /// A removed device's jobs. Binds: device.
    var deleteDeviceJobs: String { "DELETE FROM job WHERE device = \(p(1))" }
    /// Only from the state stored (another collector may have recorded the change first). Binds: state, since,
    /// name, the state it changes from.
    var setJobState: String {
        "UPDATE job SET state = \(p(1)), state_since = \(p(2)) WHERE name = \(p(3)) AND state = \(p(4))"
            + dialect.returningChanged
    }
    /// Binds: name.
    var deviceExists: String { "SELECT 1 FROM device WHERE name = \(p(1))" }
    /// A device's job events, newest first, before a seq. Binds: device, seq, limit.
    var deviceJobEvents: String {
        let kinds = [Event.Kind.jobStart, .jobEnd, .jobFlip].map { Self.literal($0.rawValue) }
        return "SELECT \(Self.storedEventColumns) FROM event WHERE device = \(p(1)) AND kind IN "
            + "(\(kinds.joined(separator: ", "))) AND seq < \(p(2)) ORDER BY seq DESC LIMIT \(p(3))"
    }
}
