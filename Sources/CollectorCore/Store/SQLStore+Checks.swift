import CollectorRules
import DowntimeProtocol
import Foundation

// The service checks' flips, once for both backends.
extension SQLStore {
    public func recordCheckFlips(_ flips: [CheckFlip]) async throws {
        guard !flips.isEmpty else { return }
        let rows = try flips.map { ($0.rowValues, try $0.event.rowValues(receivedAt: $0.at)) }
        try await executor.transaction { conn in
            for (flip, event) in rows {
                try await conn.execute(sql.insertCheckFlip, flip)
                try await conn.execute(sql.insertEvent, event)
            }
        }
    }

    public func checkFlips(device: String, since: Date) async throws -> [CheckFlip] {
        let (statement, values) = (sql.checkFlipsOfDevice, [StoreValue.text(device), .time(since)])
        return try await executor.statements { conn in try await conn.query(statement, values) { try $0.checkFlip() } }
    }

    public func newestCheckFlips() async throws -> [String: [CheckFlip]] {
        let statement = sql.newestCheckFlips
        let rows = try await executor.statements { conn in try await conn.query(statement) { try $0.checkFlip() } }
        return Dictionary(grouping: rows, by: \.device)
    }
}

extension CheckFlip {
    /// The values of `StoreSQL.checkFlipColumns`.
    var rowValues: [StoreValue] {
        [
            .uuid(id), .text(device), .text(record.name), .text(record.from?.rawValue), .text(record.to.rawValue),
            .time(at), .text(record.detail), .bool(notify),
        ]
    }
}

extension StoreRow {
    /// The flip of a row of `StoreSQL.checkFlipColumns`; a state this version does not spell reads as unknown.
    func checkFlip() throws -> CheckFlip {
        guard let id = UUID(uuidString: try required(string("id"), "id")) else { throw MissingColumn(column: "id") }
        let record = CheckFlipRecord(
            name: try required(string("name"), "name"),
            from: try string("from_state").map { CheckState(rawValue: $0) ?? .unknown },
            to: CheckState(rawValue: try required(string("to_state"), "to_state")) ?? .unknown,
            detail: try string("detail") ?? "")
        return CheckFlip(
            id: id, device: try required(string("device"), "device"), record: record,
            at: Date(timeIntervalSince1970: try required(double("at"), "at")), notify: try bool("notify") ?? true)
    }
}
