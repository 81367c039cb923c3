import CollectorRules
import DowntimeProtocol
import Foundation

// Incidents, deliveries, daily figures and retention, maintenance windows and the collector's own records, once
// for both backends.
extension SQLStore {
    public func saveIncidents(_ incidents: [Incident], at: Date) async throws {
        guard !incidents.isEmpty else { return }
        let rows = try incidents.map { try $0.rowValues(updatedAt: at) }
        try await executor.transaction { conn in
            for row in rows { try await conn.execute(sql.upsertIncident, row) }
        }
    }

    public func incidents(since: Date) async throws -> [Incident] {
        try await executor.statements { conn in
            try await conn.query(sql.incidentsSince, [.time(since)]) { try $0.incident() }
        }
    }

    public func incident(id: String) async throws -> Incident? {
        try await executor.statements { conn in
            try await conn.query(sql.incidentWithID, [.text(id)]) { try $0.incident() }.first
        }
    }

    public func incidentCounts() async throws -> [Incident.Kind: Int] {
        let counts = try await executor.statements { conn in
            try await conn.query(sql.incidentCounts) { row -> (Incident.Kind, Int)? in
                guard let kind = Incident.Kind(rawValue: try row.string("kind") ?? "") else { return nil }
                return (kind, Int(try row.int("n") ?? 0))
            }
        }
        return Dictionary(counts) { _, newer in newer }
    }

    // MARK: deliveries

    public func recordDelivery(_ r: DeliveryRecord) async throws {
        try await executor.transaction { conn in
            for row in r.rowValues { try await conn.execute(sql.insertDelivery, row) }
        }
    }

    public func deliveries(device: String, limit: Int) async throws -> [DeliveryRecord] {
        try await executor.statements { conn in
            try await conn.query(sql.deliveries, [.text(device), .integer(limit)]) { try $0.deliveryRecord() }
        }
    }

    // MARK: daily figures and retention

    public func saveDaily(_ rows: [(device: String, day: String, down: Double, known: Double)]) async throws {
        guard !rows.isEmpty else { return }
        let values: [[StoreValue]] = rows.map {
            [.text($0.device), .text($0.day), .double($0.down), .double($0.known)]
        }
        try await executor.statements { conn in _ = try await conn.executeBatch(sql.saveDaily, values) }
    }

    public func daily(device: String) async throws -> [(day: String, down: Double, known: Double)] {
        try await executor.statements { conn in try await conn.query(sql.daily, [.text(device)]) { try $0.daily() } }
    }

    public func deleteEvents(before: Date) async throws -> Int {
        let statements = [
            sql.deleteEventsBefore, sql.deleteUPSEventsBefore, sql.deleteIncidentsBefore,
            sql.deleteCollectorRecordsBefore, sql.deleteCheckFlipsBefore,
        ]
        return try await executor.transaction(long: true) { conn in
            var n = 0
            for statement in statements { n += try await conn.execute(statement, [.time(before)]) }
            return n
        }
    }

    // MARK: maintenance windows

    public func maintenanceWindows() async throws -> [MaintenanceWindow] {
        try await executor.statements { conn in
            try await conn.query(sql.maintenanceWindows) { try $0.maintenanceWindow() }
        }
    }

    public func addMaintenance(_ window: MaintenanceWindow) async throws -> Int64 {
        try await executor.transaction { conn in
            let id = try await conn.insert(sql.insertMaintenance, [.text(window.spec)])
            try await markChange(conn)
            return id
        }
    }

    public func removeMaintenance(id: Int64) async throws -> Bool {
        try await changed(sql.deleteMaintenance, [.int(id)])
    }

    public func maintenanceEvents(since: Date) async throws -> [Event] {
        try await executor.statements { conn in
            try await conn.query(sql.maintenanceEvents, [.time(since)]) { try $0.storedEvent().event }
        }
    }

    // MARK: the collector's own records

    public func saveCollectorRecords(_ records: [CollectorRecord]) async throws {
        guard !records.isEmpty else { return }
        try await executor.transaction { conn in
            for r in records { try await conn.execute(sql.insertCollectorRecord, r.rowValues) }
        }
    }

    public func collectorRecords(limit: Int) async throws -> [CollectorRecord] {
        try await executor.statements { conn in
            try await conn.query(sql.collectorRecordsNewest, [.integer(limit)]) { try $0.collectorRecord() }
        }.reversed()
    }

    /// Rows per table of `StoreMigration.tables`.
    func countRows() async throws -> [String: Int] {
        try await executor.statements(long: true) { conn in
            var out: [String: Int] = [:]
            for t in StoreMigration.tables {
                out[t] = Int(try await conn.query("SELECT COUNT(*) AS n FROM \(t)") { try $0.int("n") }.first ?? 0)
            }
            return out
        }
    }
}
