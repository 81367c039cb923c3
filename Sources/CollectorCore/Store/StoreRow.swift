import CollectorRules
import DowntimeProtocol
import Foundation

/// A result row read by column name: all the row-to-record mapping needs of GRDB's and PostgresNIO's rows
/// (`SQLiteExecutor`, `PostgresExecutor`), so that rows become records in one place. SQL NULL is nil.
protocol StoreRow {
    func string(_ column: String) throws -> String?
    func double(_ column: String) throws -> Double?
    func int(_ column: String) throws -> Int64?
    /// SQLite keeps booleans as 0/1, PostgreSQL as BOOLEAN.
    func bool(_ column: String) throws -> Bool?
    func data(_ column: String) throws -> Data?
}

extension StoreRow {
    func required<T>(_ value: T?, _ column: String) throws -> T {
        guard let value else { throw MissingColumn(column: column) }
        return value
    }

    /// The device of a row of `StoreSQL.deviceColumns`.
    func deviceRecord() throws -> DeviceRecord {
        let beat = try double("beat_at").map { at in
            BeatState(
                at: Date(timeIntervalSince1970: at), intervalS: Int(try int("interval_s") ?? 10),
                agentVersion: try string("agent_version") ?? "", bootID: try string("boot_id") ?? "",
                clockSkewS: try double("clock_skew_s") ?? 0, clockSynced: try bool("clock_synced") ?? false,
                uptimeS: try double("uptime_s") ?? 0, seq: UInt64(max(0, try int("seq") ?? 0)),
                storage: try string("storage_warning").flatMap {
                    try? WireCoding.decode(StorageWarning.self, from: Array($0.utf8))
                })
        }
        return DeviceRecord(
            name: try required(string("name"), "name"),
            tokenHash: [UInt8](try required(data("token_hash"), "token_hash")),
            createdAt: Date(timeIntervalSince1970: try required(double("created_at"), "created_at")),
            paused: try required(bool("paused"), "paused"),
            intervalOverride: try int("interval_override").map { Int($0) },
            tags: (try required(string("tags"), "tags")).split(separator: ",").map(String.init),
            site: try string("site"),
            status: DeviceStatus(rawValue: try required(string("status"), "status")) ?? .new,
            statusSince: Date(timeIntervalSince1970: try required(double("status_since"), "status_since")), beat: beat,
            dependsOn: try string("depends_on"), displayName: try string("display_name"))
    }

    /// The event of a row of `StoreSQL.storedEventColumns`.
    func storedEvent() throws -> StoredEvent {
        StoredEvent(
            event: try WireCoding.decode(Event.self, from: try required(data("body"), "body")),
            receivedAt: Date(timeIntervalSince1970: try required(double("received_at"), "received_at")),
            seq: try required(int("seq"), "seq"))
    }
}

extension StoreRow {
    /// The record of a row of `StoreSQL.collectorRecordColumns`; nil for a kind this version does not know.
    func collectorRecord() throws -> CollectorRecord? {
        guard let id = UUID(uuidString: try required(string("id"), "id")),
            let kind = CollectorRecord.Kind(rawValue: try required(string("kind"), "kind"))
        else { return nil }
        return CollectorRecord(
            id: id, at: Date(timeIntervalSince1970: try required(double("at"), "at")), kind: kind,
            deltaS: try double("delta_s"), detail: try required(string("detail"), "detail"))
    }

    /// The incident of a row of `StoreSQL.incidentColumns`.
    func incident() throws -> Incident {
        let kindText = try required(string("kind"), "kind")
        guard let kind = Incident.Kind(rawValue: kindText) else { throw MissingColumn(column: "kind") }
        let members = try IncidentMembersJSON.decode(try required(string("members"), "members"))
        return Incident(
            id: try required(string("id"), "id"), kind: kind, site: try required(string("site"), "site"),
            start: Date(timeIntervalSince1970: try required(double("start_at"), "start_at")),
            end: try double("end_at").map { Date(timeIntervalSince1970: $0) }, members: members,
            unaffected: try required(string("unaffected"), "unaffected").split(separator: ",").map(String.init),
            collectorDown: try required(bool("collector_down"), "collector_down"),
            mainsOut: try mainsOut())
    }

    /// Both mains-out columns, or none.
    private func mainsOut() throws -> Incident.MainsOut? {
        guard let ups = try string("mains_out_ups"), let at = try double("mains_out_at") else { return nil }
        return Incident.MainsOut(ups: ups, at: Date(timeIntervalSince1970: at))
    }
}

extension StoreRow {
    /// The delivery of a row of `StoreSQL.deliveries`.
    func deliveryRecord() throws -> DeliveryRecord {
        DeliveryRecord(
            at: Date(timeIntervalSince1970: try required(double("at"), "at")),
            devices: try required(string("devices"), "devices").split(separator: ",").map(String.init),
            notifier: try required(string("notifier"), "notifier"), kind: try required(string("kind"), "kind"),
            attempt: Int(try required(int("attempt"), "attempt")), ok: try required(bool("ok"), "ok"),
            detail: try required(string("detail"), "detail"))
    }

    /// The window of a row of `StoreSQL.maintenanceWindows`; nil when its spec no longer parses (it was written
    /// from a parsed window, so it does).
    func maintenanceWindow() throws -> MaintenanceWindow? {
        guard var window = try? MaintenanceWindow.parse(try required(string("spec"), "spec")) else { return nil }
        window.id = try required(int("id"), "id")
        return window
    }

    /// The UPS event of a row of `StoreSQL.upsEvents`; nil for a kind this version does not know.
    func storedUPSEvent() throws -> StoredUPSEvent? {
        guard let kind = UPSEvent.Kind(rawValue: try required(string("kind"), "kind")),
            let id = UUID(uuidString: try required(string("id"), "id"))
        else { return nil }
        return StoredUPSEvent(
            id: id, ups: try required(string("ups"), "ups"), kind: kind,
            at: Date(timeIntervalSince1970: try required(double("at"), "at")), status: try string("status"),
            charge: try double("charge"), runtime: try double("runtime_s"), inputVoltage: try double("input_voltage"),
            reason: try string("reason"), seq: try required(int("seq"), "seq"))
    }

    /// The figures of a row of `StoreSQL.daily`.
    func daily() throws -> (day: String, down: Double, known: Double) {
        (
            try required(string("day"), "day"), try required(double("down_s"), "down_s"),
            try required(double("known_s"), "known_s")
        )
    }
}
