/// The migrations added since the stores share their SQL (the older ones stay per backend, as they were applied).
extension StoreSQL {
    /// The UPS log: one row per UPS event, the numbers of the reading that showed it.
    var upsEventTable: [String] {
        let real = dialect.realType
        return [
            """
            CREATE TABLE ups_event (
                seq \(dialect.serialKey),
                id \(dialect.uuidType) NOT NULL UNIQUE,
                ups TEXT NOT NULL,
                kind TEXT NOT NULL,
                at \(real) NOT NULL,
                status TEXT, charge \(real), runtime_s \(real), input_voltage \(real), reason TEXT
            )
            """,
            "CREATE INDEX ups_event_ups_at ON ups_event(ups, at)",
            "CREATE INDEX ups_event_at ON ups_event(at)",
        ]
    }

    /// The device a device depends on (`device depends`), by name; NULL for none.
    var dependsOn: [String] { ["ALTER TABLE device ADD COLUMN depends_on TEXT"] }

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

    /// Sites (a device's `site`, NULL for the default site) and the incidents recorded across them (docs/DESIGN.md
    /// "Sites and incidents"):
    /// one row per incident, its members as JSON (`IncidentMember`s), the unaffected devices comma separated.
    /// The same text on both stores: SQLite reads `DOUBLE PRECISION` as REAL and `BOOLEAN` as 0/1.
    var sitesIncidents: [String] {
        [
            "ALTER TABLE device ADD COLUMN site TEXT",
            """
            CREATE TABLE incident (
                id TEXT PRIMARY KEY, kind TEXT NOT NULL, site TEXT NOT NULL, start_at DOUBLE PRECISION NOT NULL,
                end_at DOUBLE PRECISION, collector_down BOOLEAN NOT NULL, members TEXT NOT NULL,
                unaffected TEXT NOT NULL, updated_at DOUBLE PRECISION NOT NULL
            )
            """,
            "CREATE INDEX incident_start ON incident(start_at)",
        ]
    }

    /// How far the notifications got in the log; flips already in it at creation count as told (they were).
    var notifyCursorTable: [String] {
        [
            "CREATE TABLE notify_cursor (id INTEGER PRIMARY KEY, seq BIGINT NOT NULL)",
            "INSERT INTO notify_cursor SELECT 1, COALESCE(MAX(seq), 0) FROM event",
        ]
    }

    /// The rows before the notification cursor whose message is still held (docs/DESIGN.md "Notifications survive a
    /// crash"): a restart tells those and what follows the cursor, not everything after the oldest held row.
    var notifyHeld: [String] { ["ALTER TABLE notify_cursor ADD COLUMN held TEXT NOT NULL DEFAULT ''"] }

    /// The collector's own records (docs/DESIGN.md "The collector's own clock"): kept across restarts.
    var collectorRecords: [String] {
        [
            "CREATE TABLE collector_record (id \(dialect.uuidType) PRIMARY KEY NOT NULL, at \(dialect.realType) NOT NULL, "
                + "kind TEXT NOT NULL, delta_s \(dialect.realType), detail TEXT NOT NULL)",
            "CREATE INDEX collector_record_at ON collector_record(at)",
        ]
    }

    /// A power cut's mains-out time from a UPS of its site (docs/DESIGN.md "Sites and incidents"), NULL
    /// without one.
    var incidentMainsOut: [String] {
        [
            "ALTER TABLE incident ADD COLUMN mains_out_ups TEXT",
            "ALTER TABLE incident ADD COLUMN mains_out_at DOUBLE PRECISION",
        ]
    }

    /// When an incident's message went out (NULL until then): a collector killed while the message waited for the
    /// incident to settle tells it after its restart. The incidents already recorded count as told.
    var incidentTold: [String] {
        [
            "ALTER TABLE incident ADD COLUMN told_at DOUBLE PRECISION",
            "UPDATE incident SET told_at = updated_at",
        ]
    }

    /// The newest beat's storage warning (its JSON, NULL while the agent's folder is writable): kept with the beat, so
    /// that the record and a restarted collector hold it, not memory alone.
    var storageWarning: [String] { ["ALTER TABLE device ADD COLUMN storage_warning TEXT"] }
}
