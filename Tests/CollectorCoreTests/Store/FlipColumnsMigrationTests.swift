import DowntimeProtocol
import Foundation
import GRDB
import Logging
import PostgresNIO
import Testing

@testable import CollectorCore
@testable import CollectorRules

/// A database made by the code before a flip's from/to were columns (the migrations up to then, rows written
/// with the JSON body only) is brought forward by opening it: the columns are filled from the bodies, and the
/// timeline and retention answer as for the same history written by today's code.
@Suite struct FlipColumnsMigrationTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_335_000)
    static func day(_ n: Double) -> Date { t0 + n * 86_400 }

    static func flip(_ device: String, _ from: DeviceStatus, _ to: DeviceStatus, _ at: Date) -> FlipChange {
        FlipChange.flip(device, from: from, to: to, at: at, reason: .heartbeatReceived)
    }

    /// Two devices' history, in the order it is written (the log numbers follow it on both sides).
    static let flips: [FlipChange] = [
        flip("pi-1", .new, .up, day(0)), flip("pi-2", .new, .up, day(5)),
        flip("pi-1", .up, .down, day(10)), flip("pi-1", .down, .up, day(10.5)),
        flip("pi-2", .up, .down, day(30)),
        flip("pi-2", .down, .up, day(45)),
        flip("pi-1", .up, .down, day(50)), flip("pi-1", .down, .up, day(50.125)),
    ]
    static let outage = Event(
        device: "pi-1", at: day(20), bootID: "b",
        payload: .outage(
            OutageReport(
                cause: .powerLoss, start: day(19.875), end: day(20), durationS: 10_800, precisionS: 60,
                clockSynced: true)))
    /// A flip row whose statuses no `DeviceStatus` spells (today's code cannot write one).
    static let oddID = UUID()
    static let oddBody =
        #"{"id":"\#(oddID.wireString)","device":"pi-odd","kind":"flip","#
        + #""at":"\#(WireTime.format(day(1)))","from":"asleep","to":"up","reason":"old"}"#

    @Test(arguments: Backend.all) func oldFlipRowsGetTheirColumnsAndAnswerAsNewOnes(_ backend: Backend) async throws {
        let old = try StoreHandle.fresh(backend)
        defer { old.remove() }
        try await Self.makeOldStore(old)
        let migrated = try await old.open()
        let reference = try StoreHandle.fresh(backend)
        defer { reference.remove() }
        let new = try await reference.open()
        for name in ["pi-1", "pi-2"] { try await new.addDevice(Self.device(name)) }
        for f in Self.flips[..<4] { #expect(try await new.recordFlips([f]) == [f]) }
        _ = try await new.insertEvents([Self.outage], receivedAt: Self.day(20))
        for f in Self.flips[4...] { #expect(try await new.recordFlips([f]) == [f]) }

        // The columns hold each flip's statuses as its body spells them; other rows have none.
        let columns = try await Self.flipColumns(migrated)
        var expected = Self.flips.map { [$0.event.kind.rawValue, $0.from?.rawValue ?? "-", $0.status.rawValue] }
        expected.insert(["outage", "-", "-"], at: 4)
        expected.append(["flip", "asleep", "up"])
        #expect(columns == expected)
        #expect(try await Self.flipColumns(new) == Array(expected.dropLast()))

        // The timeline reads the same rows from both, and the right ones: the window (from day 40), and before
        // it the first flip, the newest flip, the newest outage and the newest down with the flip that ended it.
        for device in [nil, "pi-1", "pi-2"] as [String?] {
            var fromOld = try await migrated.timelineEvents(since: Self.day(40), device: device)
            let odd = fromOld.removeValue(forKey: "pi-odd")
            #expect(odd == nil || device == nil)
            #expect(fromOld == (try await new.timelineEvents(since: Self.day(40), device: device)))
        }
        let rows = try await migrated.timelineEvents(since: Self.day(40), device: nil)
        #expect(rows["pi-1"]?.map(\.event.at) == [0, 10, 10.5, 20, 50, 50.125].map(Self.day))
        #expect(rows["pi-2"]?.map(\.event.at) == [5, 30, 45].map(Self.day))
        let timeline = DeviceTimeline(rows: rows["pi-2"] ?? [], now: Self.day(60))
        #expect(timeline.firstSeen == Self.day(5))
        #expect(timeline.down == [DownPeriod(start: Self.day(30), end: Self.day(45))])

        // An unknown status reads as `late`, which shapes nothing: no first-seen time, no down period.
        let odd = try #require(rows["pi-odd"]?.first)
        guard case .flip(let f) = odd.event.payload else {
            Issue.record("not a flip: \(odd)")
            return
        }
        #expect(f.from == .late && f.to == .up && odd.event.id == Self.oddID)
        let oddTimeline = DeviceTimeline(rows: [odd], now: Self.day(60))
        #expect(oddTimeline.firstSeen == nil && oddTimeline.down.isEmpty)

        // Retention keeps each first flip out of `new` on both; the odd flip is none and goes.
        #expect(try await migrated.deleteEvents(before: Self.day(31)) == 5)
        #expect(try await new.deleteEvents(before: Self.day(31)) == 4)
        let kept = try await migrated.allEvents()
        #expect(kept == (try await new.allEvents()))
        #expect(kept.map(\.event.at) == [0, 50, 50.125, 5, 45].map(Self.day))
    }

    static func device(_ name: String) -> DeviceRecord {
        DeviceRecord(name: name, tokenHash: Tokens.hash(name), createdAt: day(-1))
    }

    /// Kind, flip_from and flip_to of every row in log order ("-" for NULL).
    static func flipColumns(_ store: any Store) async throws -> [[String]] {
        let sql = "SELECT kind, flip_from, flip_to FROM event ORDER BY seq"
        if let sqlite = store as? SQLiteStore {
            return try await sqlite.pool.read { db in
                try Row.fetchAll(db, sql: sql).map { [$0["kind"], $0["flip_from"] ?? "-", $0["flip_to"] ?? "-"] }
            }
        }
        let postgres = try #require(store as? PostgresStore)
        var out: [[String]] = []
        let rows = try await postgres.client.query(PostgresQuery(unsafeSQL: sql), logger: postgres.logger)
        for try await (kind, from, to) in rows.decode((String, String?, String?).self) {
            out.append([kind, from ?? "-", to ?? "-"])
        }
        return out
    }

    /// The store as the code before the flip columns left it: its migrations only, rows as it wrote them.
    static func makeOldStore(_ handle: StoreHandle) async throws {
        var rows: [OldRow] = []
        for f in flips[..<4] { rows.append(try row(f.event, receivedAt: f.event.at)) }
        rows.append(try row(outage, receivedAt: day(20)))
        for f in flips[4...] { rows.append(try row(f.event, receivedAt: f.event.at)) }
        let oddAt = day(1).timeIntervalSince1970
        rows.append((oddID, "pi-odd", "flip", oddAt, oddAt, Data(oddBody.utf8)))
        let devices = ["pi-1", "pi-2", "pi-odd"].map(device)
        switch handle.location {
        case .sqlite(let path):
            try FileManager.default.createDirectory(atPath: handle.dir, withIntermediateDirectories: true)
            let pool = try DatabasePool(path: path)
            try SQLiteStore.migrator.migrate(pool, upTo: "v5-event-at")
            try await pool.write { [rows] db in
                for d in devices {
                    try db.execute(
                        sql: """
                            INSERT INTO device (name, token_hash, created_at, status, status_since) VALUES (?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            d.name, Data(d.tokenHash), d.createdAt.timeIntervalSince1970, "new",
                            d.createdAt.timeIntervalSince1970,
                        ])
                }
                for r in rows {
                    try db.execute(
                        sql: """
                            INSERT INTO event (id, device, kind, at, received_at, body) VALUES (?, ?, ?, ?, ?, ?)
                            """, arguments: [r.id.uuidString, r.device, r.kind, r.at, r.receivedAt, r.body])
                }
            }
            try pool.close()
        case .postgres(let url):
            let logger = Logger(label: "test")
            let conn = try await PostgresStore.connect(url, schema: handle.schema, logger: logger)
            let older = PostgresStore.migrations.prefix { $0.version != "v4-flip-columns" }
            #expect(older.map(\.version) == ["v1", "v2-notify-cursor", "v3-event-at"])
            try await PostgresStore.migrate(conn, schema: handle.schema, logger: logger, migrations: Array(older))
            for d in devices {
                try await conn.query(
                    """
                    INSERT INTO device (name, token_hash, created_at, status, status_since)
                    VALUES (\(d.name), \(Data(d.tokenHash)), \(d.createdAt.timeIntervalSince1970), 'new',
                            \(d.createdAt.timeIntervalSince1970))
                    """, logger: logger)
            }
            for r in rows {
                try await conn.query(
                    """
                    INSERT INTO event (id, device, kind, at, received_at, body)
                    VALUES (\(r.id), \(r.device), \(r.kind), \(r.at), \(r.receivedAt), \(r.body))
                    """, logger: logger)
            }
            try await conn.close()
        }
    }

    typealias OldRow = (id: UUID, device: String, kind: String, at: Double, receivedAt: Double, body: Data)

    static func row(_ e: Event, receivedAt: Date) throws -> OldRow {
        (
            e.id, e.device, e.kind.rawValue, e.at.timeIntervalSince1970, receivedAt.timeIntervalSince1970,
            Data(try WireCoding.encode(e))
        )
    }
}
