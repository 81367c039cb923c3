import CollectorRules
import DowntimeProtocol
import Foundation

// Acknowledgements, snoozes, critical devices and acknowledge links, once for both backends.
extension SQLStore {
    public func deviceAlerts() async throws -> DeviceAlerts {
        let rows = try await executor.statements { conn in
            try await conn.query(sql.allDeviceAlerts) { r -> DeviceAlertRow? in try r.deviceAlertRow() }
        }
        var alerts = DeviceAlerts()
        for row in rows {
            if row.critical { alerts.critical.insert(row.device) }
            if let until = row.snoozedUntil { alerts.snoozedUntil[row.device] = until }
            if let ack = row.ack { alerts.acks[row.device] = ack }
        }
        return alerts
    }

    public func setCritical(_ critical: Bool, device: String) async throws -> Bool {
        try await changed(sql.upsertAlert(["critical"]), [.text(device), .bool(critical)])
    }

    public func setSnoozed(until: Date?, device: String) async throws -> Bool {
        try await changed(sql.upsertAlert(["snoozed_until"]), [.text(device), .time(until)])
    }

    public func acknowledge(device: String, _ ack: DeviceAlerts.Ack) async throws -> Bool {
        // A row in the device's log too, so that its log says who acknowledged and when.
        let row = try Event(device: device, at: ack.at, bootID: nil, payload: .ack(by: ack.by, since: ack.since))
            .rowValues(receivedAt: ack.at)
        let values: [StoreValue] = [.text(device), .time(ack.since), .time(ack.at), .text(ack.by)]
        return try await executor.transaction { conn in
            guard try await conn.execute(sql.upsertAlert(["ack_since", "ack_at", "ack_by"]), values) > 0 else {
                return false
            }
            try await conn.execute(sql.insertEvent, row)
            try await markChange(conn)
            return true
        }
    }

    public func addAckLink(_ link: AckLink) async throws {
        let hash = Self.hex(link.hash)
        try await executor.transaction { conn in
            // Links live as long as an outage could: a month is plenty, and keeps the table small.
            try await conn.execute(sql.deleteOldAckLinks, [.time(link.createdAt - 31 * 86_400)])
            for o in link.outages {
                try await conn.execute(
                    sql.insertAckLink,
                    [.text(hash), .text(o.device), .time(o.since), .time(link.createdAt), .time(link.usedAt)])
            }
        }
    }

    public func ackLink(hash: [UInt8]) async throws -> AckLink? {
        let rows = try await executor.statements { conn in
            try await conn.query(sql.ackLinkRows, [.text(Self.hex(hash))]) { r -> AckLinkRow? in
                AckLinkRow(
                    device: try r.required(r.string("device"), "device"),
                    since: Date(timeIntervalSince1970: try r.required(r.double("since"), "since")),
                    createdAt: Date(timeIntervalSince1970: try r.required(r.double("created_at"), "created_at")),
                    usedAt: try r.double("used_at").map(Date.init(timeIntervalSince1970:)))
            }
        }
        guard let first = rows.first else { return nil }
        return AckLink(
            hash: hash, outages: rows.map { AckLink.Outage(device: $0.device, since: $0.since) },
            createdAt: first.createdAt, usedAt: rows.compactMap(\.usedAt).min())
    }

    /// A hash as the `ack_link` table keeps it: lower-case hex.
    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    public func useAckLink(hash: [UInt8], at: Date) async throws -> Bool {
        try await executor.transaction { conn in
            try await conn.execute(sql.useAckLink, [.time(at), .text(Self.hex(hash))]) > 0
        }
    }
}

/// A row of `device_alert`.
struct DeviceAlertRow: Sendable {
    var device: String
    var critical: Bool
    var snoozedUntil: Date?
    var ack: DeviceAlerts.Ack?
}

/// A row of `ack_link`.
struct AckLinkRow: Sendable {
    var device: String
    var since: Date
    var createdAt: Date
    var usedAt: Date?
}

extension StoreRow {
    func deviceAlertRow() throws -> DeviceAlertRow {
        func time(_ column: String) throws -> Date? { try double(column).map(Date.init(timeIntervalSince1970:)) }
        var ack: DeviceAlerts.Ack?
        if let since = try time("ack_since"), let at = try time("ack_at") {
            ack = DeviceAlerts.Ack(since: since, at: at, by: try string("ack_by") ?? "")
        }
        return DeviceAlertRow(
            device: try required(string("device"), "device"), critical: try bool("critical") ?? false,
            snoozedUntil: try time("snoozed_until"), ack: ack)
    }
}
