import CollectorRules
import DowntimeProtocol
import Foundation

// The devices' log, the UPS log and the notifications' place in the log, once for both backends.
extension SQLStore {
    public func insertEvents(_ events: [Event], receivedAt: Date) async throws -> [UUID] {
        guard !events.isEmpty else { return [] }
        let rows = try events.map { try $0.rowValues(receivedAt: receivedAt) }
        // Rows that shape outages: other collectors reset their timelines when they appear.
        let shaping = events.contains { $0.kind.shapesTimeline }
        try await executor.transaction { conn in
            let n = try await conn.executeBatch(sql.insertEvents, rows)
            if n > 0, shaping { try await markChange(conn) }
        }
        return events.map(\.id)
    }

    @discardableResult
    public func recordFlips(_ flips: [FlipChange]) async throws -> [FlipChange] {
        guard !flips.isEmpty else { return [] }
        return try await executor.transaction { conn in
            try await lockFlips(conn)
            var recorded: [FlipChange] = []
            for f in flips {
                // Only from the status still stored: another collector may have recorded this change first.
                let from = f.from
                let n = try await conn.execute(sql.setStatus(onlyFrom: from != nil), f.statusValues(onlyFrom: from))
                guard from == nil || n > 0 else { continue }
                try await conn.execute(sql.insertEvent, try f.event.rowValues(receivedAt: f.event.at))
                recorded.append(f)
            }
            if !recorded.isEmpty { try await markChange(conn) }
            return recorded
        }
    }

    public func events(device: String, since: Date?, afterSeq: Int64?, limit: Int) async throws -> [StoredEvent] {
        var values: [StoreValue] = [.text(device)]
        if let since { values.append(.time(since)) }
        if let afterSeq { values.append(.int(afterSeq)) }
        values.append(.integer(limit))
        let (statement, bound) = (sql.events(since: since != nil, afterSeq: afterSeq != nil), values)
        return try await executor.statements { conn in try await conn.query(statement, bound) { try $0.storedEvent() } }
    }

    public func timelineEvents(since: Date, device: String?) async throws -> [String: [StoredEvent]] {
        let values: [StoreValue] = [.time(since)] + (device.map { [.text($0)] } ?? [])
        let statement = sql.timeline(oneDevice: device != nil)
        let rows = try await executor.statements { conn in
            try await conn.query(statement, values) { row in (try row.string("device") ?? "", try row.storedEvent()) }
        }
        var out: [String: [StoredEvent]] = [:]
        for (device, event) in rows { out[device, default: []].append(event) }
        return out
    }

    public func allEvents() async throws -> [StoredEvent] {
        try await executor.statements(long: true) { conn in
            try await conn.query(sql.allEvents) { try $0.storedEvent() }
        }
    }

    /// Moves the flips of an unsynchronised clock and the statuses they set (`UnsyncedRedating`).
    public func redateUnsyncedFlips(receivedIn window: ClosedRange<Date>, by offset: TimeInterval) async throws
        -> Int
    {
        let (from, to) = (window.lowerBound.timeIntervalSince1970, window.upperBound.timeIntervalSince1970)
        return try await executor.transaction { conn in
            let candidates = try await conn.query(sql.flipsReceivedIn, [.double(from), .double(to)]) {
                try $0.storedEvent()
            }
            var moved = 0
            for stored in candidates {
                guard let event = UnsyncedRedating.redated(stored.event, by: offset) else { continue }
                try await conn.execute(sql.redateEvent, try stored.redatedValues(event, by: offset))
                moved += 1
            }
            if moved > 0 {
                try await conn.execute(sql.shiftStatusSince, [.double(offset), .double(from), .double(to)])
                try await markChange(conn)
            }
            return moved
        }
    }

    // MARK: UPS log

    @discardableResult
    public func insertUPSEvents(_ events: [StoredUPSEvent]) async throws -> [UUID] {
        guard !events.isEmpty else { return [] }
        try await executor.transaction { conn in
            for e in events { try await conn.execute(sql.insertUPSEvent, e.rowValues) }
        }
        return events.map(\.id)
    }

    public func upsEvents(ups: String?, since: Date?, limit: Int) async throws -> [StoredUPSEvent] {
        var values: [StoreValue] = []
        if let ups { values.append(.text(ups)) }
        if let since { values.append(.time(since)) }
        values.append(.integer(limit))
        let (statement, bound) = (sql.upsEvents(ups: ups != nil, since: since != nil), values)
        return try await executor.statements { conn in
            try await conn.query(statement, bound) { try $0.storedUPSEvent() }
        }
    }

    // MARK: the notifications' place in the log (NotificationLog)

    public func toldEvents(afterSeq: Int64, limit: Int) async throws -> [StoredEvent] {
        try await executor.statements { conn in
            try await conn.query(sql.toldEventsAfter, [.int(afterSeq), .integer(limit)]) { try $0.storedEvent() }
        }
    }

    public func notifyCursor() async throws -> NotifyCursor {
        try await executor.statements { conn in
            try await conn.query(sql.notifyCursor) { row in
                NotifyCursor(seq: try row.int("seq") ?? 0, held: NotifyCursor.held(from: try row.string("held") ?? ""))
            }
        }.first ?? NotifyCursor(seq: 0)
    }

    public func setNotifyCursor(_ cursor: NotifyCursor) async throws {
        try await executor.statements { conn in
            _ = try await conn.execute(sql.advanceNotifyCursor, [.int(cursor.seq), .text(cursor.heldText)])
        }
    }

    public func untoldIncidents(since: Date) async throws -> [Incident] {
        try await executor.statements { conn in
            try await conn.query(sql.untoldIncidents, [.time(since)]) { try $0.incident() }
        }
    }

    public func markIncidentTold(_ id: String, at: Date) async throws {
        try await executor.statements { conn in
            _ = try await conn.execute(sql.markIncidentTold, [.time(at), .text(id)])
        }
    }

    public func redateFlips(ids: [UUID], by offset: TimeInterval) async throws -> [Event] {
        guard !ids.isEmpty else { return [] }
        return try await executor.transaction { conn in
            var moved: [Event] = []
            for id in ids {
                guard let stored = try await conn.query(sql.flipWithID, [.uuid(id)], { try $0.storedEvent() }).first,
                    let event = UnsyncedRedating.redatedAfterStepBack(stored.event, by: offset)
                else { continue }
                try await conn.execute(sql.redateEvent, try stored.redatedValues(event, by: offset))
                try await conn.execute(
                    sql.moveStatusSince, [.time(event.at), .text(event.device), .time(stored.event.at)])
                moved.append(stored.event)
            }
            if !moved.isEmpty { try await markChange(conn) }
            return moved
        }
    }
}
