import Foundation

extension SQLStore {
    // MARK: quiet hours (QuietLog)

    public func quietSent(channel: String) async throws -> Date? {
        try await executor.statements { conn in
            try await conn.query(sql.quietSent, [.text(channel)]) { row in
                try row.double("window_end").map { Date(timeIntervalSince1970: $0) }
            }
        }.first
    }

    public func setQuietSent(channel: String, end: Date) async throws {
        try await executor.statements { conn in
            _ = try await conn.execute(sql.setQuietSent, [.text(channel), .time(end)])
        }
    }

    public func rewindQuietSent(channel: String, end: Date, now: Date) async throws -> Bool {
        try await executor.statements { conn in
            try await conn.execute(sql.rewindQuietSent, [.text(channel), .time(end), .time(now)]) > 0
        }
    }
}

extension StoreSQL {
    /// The end of the last quiet window told per channel (migrations SQLite `v23-quiet`, PostgreSQL `v20-quiet`).
    var quietTable: [String] {
        ["CREATE TABLE quiet_sent (channel TEXT PRIMARY KEY NOT NULL, window_end \(dialect.realType) NOT NULL)"]
    }

    /// Binds: the channel.
    var quietSent: String { "SELECT window_end FROM quiet_sent WHERE channel = \(p(1))" }

    /// Binds: the channel, the window's end, now; only an end recorded after now is moved back.
    var rewindQuietSent: String {
        "UPDATE quiet_sent SET window_end = \(p(2)) WHERE channel = \(p(1)) AND window_end > \(p(3))"
            + dialect.returningChanged
    }

    /// Binds: the channel, the window's end; an end already later is kept.
    var setQuietSent: String {
        "INSERT INTO quiet_sent (channel, window_end) VALUES (\(p(1)), \(p(2))) ON CONFLICT (channel) DO UPDATE SET "
            + "window_end = \(dialect.greatest("quiet_sent.window_end", "excluded.window_end"))"
    }
}
