import Foundation

extension StoreMigration {
    /// A table besides the devices and the log, copied row for row: its columns read from SQLite and written to
    /// PostgreSQL as they are (ids and seq too), each row's values, nil for a row left out.
    struct TableCopy: Sendable {
        var table: String
        var columns: String
        var values: @Sendable (any StoreRow) throws -> [StoreValue]?

        func copy(from source: SQLiteStore, to conn: PostgresSQLConnection) async throws {
            let (read, values) = ("SELECT \(columns) FROM \(table)", values)
            let rows = try await source.executor.statements { source in try await source.query(read, [], values) }
            let insert = StoreMigration.insert(into: table, columns)
            for row in rows { try await conn.execute(insert, row) }
        }

        /// In the order they are copied.
        static let all = [
            TableCopy(table: "collector_run", columns: "started_at, alive_at") { r in
                [.double(try r.double("started_at")), .double(try r.double("alive_at"))]
            },
            TableCopy(table: "maintenance", columns: "id, spec") { r in
                [.int(try r.int("id")), .text(try r.string("spec"))]
            },
            TableCopy(table: "daily_availability", columns: "device, day, down_s, known_s") { r in
                [
                    .text(try r.string("device")), .text(try r.string("day")), .double(try r.double("down_s")),
                    .double(try r.double("known_s")),
                ]
            },
            TableCopy(table: "delivery", columns: "id, at, device, devices, notifier, kind, attempt, ok, detail") { r in
                [
                    .int(try r.int("id")), .double(try r.double("at")), .text(try r.string("device")),
                    .text(try r.string("devices")), .text(try r.string("notifier")), .text(try r.string("kind")),
                    .int(try r.int("attempt")), .bool(try r.bool("ok")), .text(try r.string("detail")),
                ]
            },
            TableCopy(table: "ups_event", columns: "seq, \(StoreSQL.upsEventColumns)", values: upsEventValues),
            TableCopy(
                table: "incident", columns: "\(StoreSQL.incidentColumns), updated_at, told_at", values: incidentValues),
            TableCopy(table: "collector_record", columns: StoreSQL.collectorRecordColumns) { r in
                try r.collectorRecord()?.rowValues
            },
            TableCopy(table: "app_user", columns: StoreSQL.userColumns) { r in
                [
                    .text(try r.string("name")), .text(try r.string("role")), .text(try r.string("password_hash")),
                    .double(try r.double("created_at")),
                ]
            },
            TableCopy(table: "api_key", columns: StoreSQL.apiKeyColumns) { r in
                [
                    .text(try r.string("name")), .text(try r.string("key_hash")), .text(try r.string("scope")),
                    .double(try r.double("created_at")), .double(try r.double("last_used_at")),
                ]
            },
            TableCopy(table: "status_page", columns: StoreSQL.statusPageColumns) { r in
                [
                    .text(try r.string("name")), .text(try r.string("title")), .text(try r.string("selector")),
                    .text(try r.string("password_hash")), .double(try r.double("created_at")),
                ]
            },
            TableCopy(table: "check_flip", columns: StoreSQL.checkFlipColumns) { r in try r.checkFlip().rowValues },
            TableCopy(table: "device_alert", columns: StoreSQL.deviceAlertColumns) { r in
                [
                    .text(try r.string("device")), .bool(try r.bool("critical")),
                    .double(try r.double("snoozed_until")),
                    .double(try r.double("ack_since")), .double(try r.double("ack_at")), .text(try r.string("ack_by")),
                ]
            },
            TableCopy(table: "ack_link", columns: StoreSQL.ackLinkColumns) { r in
                [
                    .text(try r.string("hash")), .text(try r.string("device")), .double(try r.double("since")),
                    .double(try r.double("created_at")), .double(try r.double("used_at")),
                ]
            },
            // The digests sent: the new store's collector neither sends one again nor skips the next.
            TableCopy(table: "digest_sent", columns: "channel, slot") { r in
                [.text(try r.string("channel")), .double(try r.double("slot"))]
            },
            // Likewise the quiet hours told.
            TableCopy(table: "quiet_sent", columns: "channel, window_end") { r in
                [.text(try r.string("channel")), .double(try r.double("window_end"))]
            },
            // The jobs with their key hashes and last recorded states (a job's runs are events, copied with them).
            TableCopy(table: "job", columns: StoreSQL.jobColumns) { r in
                [
                    .text(try r.string("name")), .text(try r.string("device")), .text(try r.string("schedule")),
                    .double(try r.double("grace")), .double(try r.double("max_runtime")),
                    .text(try r.string("key_hash")), .double(try r.double("created_at")), .text(try r.string("state")),
                    .double(try r.double("state_since")),
                ]
            },
        ]

        /// The UPS log keeps its order: seq is copied as it is.
        private static func upsEventValues(_ r: any StoreRow) throws -> [StoreValue] {
            let seq = try r.required(r.int("seq"), "seq")
            guard let id = UUID(uuidString: try r.required(r.string("id"), "id")) else {
                throw Failure(description: "UPS event \(seq) has a bad id")
            }
            return [
                .int(seq), .uuid(id), .text(try r.string("ups")), .text(try r.string("kind")),
                .double(try r.double("at")),
                .text(try r.string("status")), .double(try r.double("charge")), .double(try r.double("runtime_s")),
                .double(try r.double("input_voltage")), .text(try r.string("reason")),
            ]
        }

        /// The incident's columns as stored (its members' JSON too).
        private static func incidentValues(_ r: any StoreRow) throws -> [StoreValue] {
            [
                .text(try r.string("id")), .text(try r.string("kind")), .text(try r.string("site")),
                .double(try r.double("start_at")), .double(try r.double("end_at")), .bool(try r.bool("collector_down")),
                .text(try r.string("members")), .text(try r.string("unaffected")), .text(try r.string("mains_out_ups")),
                .double(try r.double("mains_out_at")), .double(try r.double("updated_at")),
                .double(try r.double("told_at")),
            ]
        }
    }
}
