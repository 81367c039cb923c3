import CollectorRules
import DowntimeProtocol
import Foundation

// The records as the values of their rows, written once for both backends: the other half of `StoreRow`.

extension DeviceRecord {
    /// The values of `StoreSQL.deviceColumns`, in order; a new device takes the first eight (`insertDevice`).
    var columnValues: [StoreValue] {
        [
            .text(name), .blob(Data(tokenHash)), .time(createdAt), .bool(paused), .integer(intervalOverride),
            .text(tags.joined(separator: ",")), .text(status.rawValue), .time(statusSince),
        ] + BeatState.columnValues(beat) + [.text(site), .text(dependsOn), .text(displayName)]
    }
}

extension BeatState {
    /// The beat columns of a device row (`beat_at` to `storage_warning`), all NULL without a beat.
    static func columnValues(_ b: BeatState?) -> [StoreValue] {
        [
            .time(b?.at), .integer(b?.intervalS), .text(b?.agentVersion), .text(b?.bootID), .double(b?.clockSkewS),
            .bool(b?.clockSynced), .double(b?.uptimeS), .int(b.map { Int64(clamping: $0.seq) }),
            .text(b?.storage.flatMap { try? WireCoding.encode($0) }.map { String(decoding: $0, as: UTF8.self) }),
        ]
    }
}

extension Event {
    /// The values of `StoreSQL.eventColumns` for this event received at `receivedAt`.
    func rowValues(receivedAt: Date) throws -> [StoreValue] {
        var flip: FlipRecord?
        if case .flip(let f) = payload { flip = f }
        return [
            .uuid(id), .text(device), .text(kind.rawValue), .time(at), .time(receivedAt),
            .blob(Data(try WireCoding.encode(self))), .text(flip?.from.rawValue), .text(flip?.to.rawValue),
        ]
    }
}

extension FlipChange {
    /// The values of `StoreSQL.setStatus(onlyFrom:)`: the new status, only while the stored one is `onlyFrom`.
    func statusValues(onlyFrom: DeviceStatus?) -> [StoreValue] {
        [.text(status.rawValue), .time(event.at), .text(device)] + (onlyFrom.map { [.text($0.rawValue)] } ?? [])
    }
}

extension StoredEvent {
    /// The values of `StoreSQL.redateEvent` for this row moved by `offset` as `event`.
    func redatedValues(_ event: Event, by offset: TimeInterval) throws -> [StoreValue] {
        [
            .time(event.at), .double(receivedAt.timeIntervalSince1970 + offset),
            .blob(Data(try WireCoding.encode(event))), .int(seq),
        ]
    }
}

extension StoredUPSEvent {
    /// The values of `StoreSQL.upsEventColumns`.
    var rowValues: [StoreValue] {
        [
            .uuid(id), .text(ups), .text(kind.rawValue), .time(at), .text(status), .double(charge), .double(runtime),
            .double(inputVoltage), .text(reason),
        ]
    }
}

extension Incident {
    /// The values of `StoreSQL.upsertIncident`: `StoreSQL.incidentColumns`, then `updated_at`.
    func rowValues(updatedAt: Date) throws -> [StoreValue] {
        [
            .text(id), .text(kind.rawValue), .text(site), .time(start), .time(end), .bool(collectorDown),
            .text(try IncidentMembersJSON.encode(members)), .text(unaffected.joined(separator: ",")),
            .text(mainsOut?.ups), .time(mainsOut?.at), .time(updatedAt),
        ]
    }
}

extension DeliveryRecord {
    /// The values of `StoreSQL.insertDelivery`: one row per device the attempt was about.
    var rowValues: [[StoreValue]] {
        devices.map { device in
            [
                .time(at), .text(device), .text(devices.joined(separator: ",")), .text(notifier), .text(kind),
                .integer(attempt), .bool(ok), .text(detail),
            ]
        }
    }
}

extension CollectorRecord {
    /// The values of `StoreSQL.collectorRecordColumns`.
    var rowValues: [StoreValue] {
        [.uuid(id), .time(at), .text(kind.rawValue), .double(deltaS), .text(detail)]
    }
}
