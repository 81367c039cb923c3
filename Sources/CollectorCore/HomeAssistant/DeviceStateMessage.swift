import CollectorRules
import DowntimeProtocol
import Foundation

/// The retained state of one device (`downtime/device/NAME/state`), read by Home Assistant's value templates and
/// by any plain MQTT subscriber. Pure: built from the device's detail as the pages show it.
struct DeviceStateMessage: Encodable, Equatable {
    var status: DeviceStatus
    /// Home Assistant's connectivity: up or late (a late device is not down until its deadline passes).
    var online: Bool
    /// Since when the status holds, as far as the record says (docs/DESIGN.md "Home Assistant and MQTT").
    var since: Date?
    var lastBeat: Date?
    var lastOutageCause: OutageCause?
    var lastOutageS: Double?
    /// Percent (0 to 100), null before the share is known.
    var uptime24h: Double?
    var uptime7d: Double?
    var temperatureC: Double?
    var powerWarning: Bool
    /// The agent's storage state when it is not ok (`read_only`, `full`, `io_error`), else null.
    var storageWarning: StorageState?
    var site: String

    enum CodingKeys: String, CodingKey {
        case status, online, since, site
        case lastBeat = "last_beat"
        case lastOutageCause = "last_outage_cause"
        case lastOutageS = "last_outage_s"
        case uptime24h = "uptime_24h"
        case uptime7d = "uptime_7d"
        case temperatureC = "temperature_c"
        case powerWarning = "power_warning"
        case storageWarning = "storage_warning"
    }

    init(_ detail: DeviceDetail) {
        let v = detail.view
        status = v.status
        online = v.status == .up || v.status == .late
        since = Self.since(detail)
        lastBeat = v.lastSeen
        lastOutageCause = v.lastOutage?.cause
        lastOutageS = v.lastOutage.map { ($0.durationS * 10).rounded() / 10 }
        uptime24h = v.uptime.day.map(Self.percent)
        uptime7d = v.uptime.week.map(Self.percent)
        temperatureC = v.health?.tempC
        powerWarning = v.health?.hasPowerWarning ?? false
        storageWarning = v.storage.map(\.state).flatMap { $0 == .ok ? nil : $0 }
        site = v.site
    }

    /// Down (or unreachable): the start of the outage it is in. Late: its last beat. Up: the end of its last outage,
    /// or its first beat. New or paused: unknown.
    static func since(_ d: DeviceDetail) -> Date? {
        let v = d.view
        switch v.status {
        case .down, .unreachable: return v.currentOutage?.start ?? v.lastSeen
        case .late: return v.lastSeen
        case .up:
            if let end = v.lastOutage?.end { return max(end, d.firstSeen ?? end) }
            return d.firstSeen
        case .new, .paused: return nil
        }
    }

    static func percent(_ share: Double) -> Double { (share * 100_000).rounded() / 1000 }

    // Nulls are written out, so that a template reading a field that is unknown gets None, not an error.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(status, forKey: .status)
        try c.encode(online, forKey: .online)
        try c.encode(since, forKey: .since)
        try c.encode(lastBeat, forKey: .lastBeat)
        try c.encode(lastOutageCause, forKey: .lastOutageCause)
        try c.encode(lastOutageS, forKey: .lastOutageS)
        try c.encode(uptime24h, forKey: .uptime24h)
        try c.encode(uptime7d, forKey: .uptime7d)
        try c.encode(temperatureC, forKey: .temperatureC)
        try c.encode(powerWarning, forKey: .powerWarning)
        try c.encode(storageWarning, forKey: .storageWarning)
        try c.encode(site, forKey: .site)
    }
}

/// The retained state of one UPS (`downtime/ups/NAME/state`).
struct UPSStateMessage: Encodable, Equatable {
    var name: String
    var status: String?
    var onBattery: Bool
    var chargePercent: Double?
    var runtimeS: Double?
    var readable: Bool?
    var since: Date?

    enum CodingKeys: String, CodingKey {
        case name, status, readable, since
        case onBattery = "on_battery"
        case chargePercent = "charge_percent"
        case runtimeS = "runtime_s"
    }

    init(_ s: UPSState) {
        name = s.name
        status = s.reading?.status.text
        onBattery = s.onBattery
        chargePercent = s.readable == true ? s.reading?.charge : nil
        runtimeS = s.readable == true ? s.reading?.runtime : nil
        readable = s.readable
        since = s.since
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(status, forKey: .status)
        try c.encode(onBattery, forKey: .onBattery)
        try c.encode(chargePercent, forKey: .chargePercent)
        try c.encode(runtimeS, forKey: .runtimeS)
        try c.encode(readable, forKey: .readable)
        try c.encode(since, forKey: .since)
    }
}
