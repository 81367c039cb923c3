import Foundation

extension SQLStore {
    // MARK: digests (DigestLog)

    public func digestSent(channel: String) async throws -> Date? {
        try await executor.statements { conn in
            try await conn.query(sql.digestSent, [.text(channel)]) { row in
                try row.double("slot").map { Date(timeIntervalSince1970: $0) }
            }
        }.first
    }

    public func setDigestSent(channel: String, slot: Date) async throws {
        try await executor.statements { conn in
            _ = try await conn.execute(sql.setDigestSent, [.text(channel), .time(slot)])
        }
    }

    public func rewindDigestSent(channel: String, slot: Date, now: Date) async throws -> Bool {
        try await executor.statements { conn in
            try await conn.execute(sql.rewindDigestSent, [.text(channel), .time(slot), .time(now)]) > 0
        }
    }
}

extension StoreSQL {
    /// The last digest sent per channel (migrations SQLite `v22-digest`, PostgreSQL `v19-digest`).
    var digestTable: [String] {
        ["CREATE TABLE digest_sent (channel TEXT PRIMARY KEY NOT NULL, slot \(dialect.realType) NOT NULL)"]
    }

    /// Binds: the channel.
    var digestSent: String { "SELECT slot FROM digest_sent WHERE channel = \(p(1))" }

    /// Binds: the channel, the slot, now; only a slot recorded after now is moved back.
    var rewindDigestSent: String {
        "UPDATE digest_sent SET slot = \(p(2)) WHERE channel = \(p(1)) AND slot > \(p(3))" + dialect.returningChanged
    }

    /// Binds: the channel, the slot; a slot already later is kept.
    var setDigestSent: String {
        "INSERT INTO digest_sent (channel, slot) VALUES (\(p(1)), \(p(2))) ON CONFLICT (channel) DO UPDATE SET "
            + "slot = \(dialect.greatest("digest_sent.slot", "excluded.slot"))"
    }
}
