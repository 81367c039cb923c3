#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A device on the read API (`GET /api/v1/devices/{name}`).
public struct DeviceView: Codable, Sendable, Hashable {
    public var name: String
    public var status: DeviceStatus
    public var lastSeen: Date?
    public var intervalS: Int
    public var agentVersion: String?
    public var bootID: String?
    public var clockSkewS: Double?
    public var clockSynced: Bool?
    public var uptimeS: Double?
    public var currentOutage: OutageView?
    public var lastOutage: OutageView?
    public var uptime: UptimeView
    public var tags: [String]
    /// The device's site (docs/DESIGN.md "Sites and incidents"); `default` for the default site.
    public var site: String
    /// The agent's newest storage warning (null while its state folder is writable).
    public var storage: StorageWarning?
    /// The device's power flags and temperature from its newest beat (null where it sends none).
    public var health: DeviceHealth?
    /// The device this one depends on (`device depends NAME --on PARENT`): while that one is down, this one's
    /// silence is `unreachable`, not downtime. Null without one.
    public var dependsOn: String?
    /// The device's service checks (empty without any); each `unknown` while the device is not up.
    public var checks: [CheckResult]
    /// Who acknowledged the current outage and when (null when it is not down or not acknowledged).
    public var acknowledged: Acknowledgement?
    /// Until when no message about the device goes out (null when not snoozed).
    public var snoozedUntil: Date?
    /// A critical device's down is sent louder (Pushover's priority 1).
    public var critical: Bool
    /// The maintenance window the device announced that is open now (its end as applied so far); null without one.
    public var maintenance: MaintenanceAnnouncement?

    enum CodingKeys: String, CodingKey {
        case name, status, uptime, tags, site, storage, health, checks, acknowledged, critical, maintenance
        case snoozedUntil = "snoozed_until"
        case lastSeen = "last_seen"
        case intervalS = "interval_s"
        case agentVersion = "agent_version"
        case bootID = "boot_id"
        case clockSkewS = "clock_skew_s"
        case clockSynced = "clock_synced"
        case uptimeS = "uptime_s"
        case currentOutage = "current_outage"
        case lastOutage = "last_outage"
        case dependsOn = "depends_on"
    }

    public init(
        name: String, status: DeviceStatus, lastSeen: Date?, intervalS: Int, agentVersion: String?,
        bootID: String?, clockSkewS: Double?, clockSynced: Bool?, uptimeS: Double?,
        currentOutage: OutageView?, lastOutage: OutageView?, uptime: UptimeView, tags: [String],
        storage: StorageWarning? = nil, health: DeviceHealth? = nil, site: String = SiteName.defaultName,
        dependsOn: String? = nil, checks: [CheckResult] = [], acknowledged: Acknowledgement? = nil,
        snoozedUntil: Date? = nil, critical: Bool = false
    ) {
        self.name = name
        self.status = status
        self.lastSeen = lastSeen
        self.intervalS = intervalS
        self.agentVersion = agentVersion
        self.bootID = bootID
        self.clockSkewS = clockSkewS
        self.clockSynced = clockSynced
        self.uptimeS = uptimeS
        self.currentOutage = currentOutage
        self.lastOutage = lastOutage
        self.uptime = uptime
        self.tags = tags
        self.site = site
        self.storage = storage
        self.health = health
        self.dependsOn = dependsOn
        self.checks = checks
        self.acknowledged = acknowledged
        self.snoozedUntil = snoozedUntil
        self.critical = critical
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        status = try c.decode(DeviceStatus.self, forKey: .status)
        lastSeen = try c.decodeIfPresent(Date.self, forKey: .lastSeen)
        intervalS = try c.decode(Int.self, forKey: .intervalS)
        agentVersion = try c.decodeIfPresent(String.self, forKey: .agentVersion)
        bootID = try c.decodeIfPresent(String.self, forKey: .bootID)
        clockSkewS = try c.decodeIfPresent(Double.self, forKey: .clockSkewS)
        clockSynced = try c.decodeIfPresent(Bool.self, forKey: .clockSynced)
        uptimeS = try c.decodeIfPresent(Double.self, forKey: .uptimeS)
        currentOutage = try c.decodeIfPresent(OutageView.self, forKey: .currentOutage)
        lastOutage = try c.decodeIfPresent(OutageView.self, forKey: .lastOutage)
        uptime = try c.decode(UptimeView.self, forKey: .uptime)
        tags = try c.decode([String].self, forKey: .tags)
        // An older collector's answer has no site: its devices are all in the default one.
        site = try c.decodeIfPresent(String.self, forKey: .site) ?? SiteName.defaultName
        storage = try c.decodeIfPresent(StorageWarning.self, forKey: .storage)
        health = try c.decodeIfPresent(DeviceHealth.self, forKey: .health)
        dependsOn = try c.decodeIfPresent(String.self, forKey: .dependsOn)
        // An older collector's answer has no checks.
        checks = try c.decodeIfPresent([CheckResult].self, forKey: .checks) ?? []
        // An older collector's answer has none of these.
        acknowledged = try c.decodeIfPresent(Acknowledgement.self, forKey: .acknowledged)
        snoozedUntil = try c.decodeIfPresent(Date.self, forKey: .snoozedUntil)
        critical = try c.decodeIfPresent(Bool.self, forKey: .critical) ?? false
        maintenance = try c.decodeIfPresent(MaintenanceAnnouncement.self, forKey: .maintenance)
    }

    public func encode(to encoder: any Encoder) throws {
        // Nulls are written out: a reader sees every field, known or not.
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(status, forKey: .status)
        try c.encode(lastSeen, forKey: .lastSeen)
        try c.encode(intervalS, forKey: .intervalS)
        try c.encode(agentVersion, forKey: .agentVersion)
        try c.encode(bootID, forKey: .bootID)
        try c.encode(clockSkewS, forKey: .clockSkewS)
        try c.encode(clockSynced, forKey: .clockSynced)
        try c.encode(uptimeS, forKey: .uptimeS)
        try c.encode(currentOutage, forKey: .currentOutage)
        try c.encode(lastOutage, forKey: .lastOutage)
        try c.encode(uptime, forKey: .uptime)
        try c.encode(tags, forKey: .tags)
        try c.encode(site, forKey: .site)
        try c.encode(storage, forKey: .storage)
        try c.encode(health, forKey: .health)
        try c.encode(dependsOn, forKey: .dependsOn)
        try c.encode(checks, forKey: .checks)
        try c.encode(acknowledged, forKey: .acknowledged)
        try c.encode(snoozedUntil, forKey: .snoozedUntil)
        try c.encode(critical, forKey: .critical)
        try c.encode(maintenance, forKey: .maintenance)
    }
}

/// An outage's acknowledgement on the API: when, and by whom (`link` for a message's link without a login).
public struct Acknowledgement: Codable, Sendable, Hashable {
    public var at: Date
    public var by: String

    public init(at: Date, by: String) {
        self.at = at
        self.by = by
    }
}
