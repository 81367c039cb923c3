#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Liveness of one device as the collector sees it.
public enum DeviceStatus: String, Codable, Sendable, CaseIterable, Comparable {
    case down, late, new, up, paused

    /// Down first, then late: the order the overview lists devices in.
    public static func < (a: Self, b: Self) -> Bool {
        a.rank < b.rank
    }

    private var rank: Int {
        switch self {
        case .down: 0
        case .late: 1
        case .new: 2
        case .up: 3
        case .paused: 4
        }
    }
}

/// One outage as the collector tells it, after merging its own down period with the agent's report.
public struct OutageView: Codable, Sendable, Hashable {
    public var start: Date
    /// Absent while the outage is still going on.
    public var end: Date?
    public var durationS: Double
    public var cause: OutageCause
    /// `collector` (missed beats only), `agent` (gap detection only) or `merged`.
    public var source: String

    enum CodingKeys: String, CodingKey {
        case start, end, cause, source
        case durationS = "duration_s"
    }

    public init(start: Date, end: Date?, durationS: Double, cause: OutageCause, source: String) {
        self.start = start
        self.end = end
        self.durationS = durationS
        self.cause = cause
        self.source = source
    }
}

/// Share of time a device was up over the last 24 h, 7 d and 30 d (0...1; nil before it was known).
public struct UptimeView: Codable, Sendable, Hashable {
    public var day: Double?
    public var week: Double?
    public var month: Double?

    enum CodingKeys: String, CodingKey {
        case day = "24h"
        case week = "7d"
        case month = "30d"
    }

    public init(day: Double?, week: Double?, month: Double?) {
        self.day = day
        self.week = week
        self.month = month
    }
}

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
    /// The agent's newest storage warning (null while its state folder is writable).
    public var storage: StorageWarning?
    /// The device's power flags and temperature from its newest beat (null where it sends none).
    public var health: DeviceHealth?

    enum CodingKeys: String, CodingKey {
        case name, status, uptime, tags, storage, health
        case lastSeen = "last_seen"
        case intervalS = "interval_s"
        case agentVersion = "agent_version"
        case bootID = "boot_id"
        case clockSkewS = "clock_skew_s"
        case clockSynced = "clock_synced"
        case uptimeS = "uptime_s"
        case currentOutage = "current_outage"
        case lastOutage = "last_outage"
    }

    public init(name: String, status: DeviceStatus, lastSeen: Date?, intervalS: Int, agentVersion: String?,
                bootID: String?, clockSkewS: Double?, clockSynced: Bool?, uptimeS: Double?,
                currentOutage: OutageView?, lastOutage: OutageView?, uptime: UptimeView, tags: [String],
                storage: StorageWarning? = nil, health: DeviceHealth? = nil) {
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
        self.storage = storage
        self.health = health
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
        try c.encode(storage, forKey: .storage)
        try c.encode(health, forKey: .health)
    }
}

/// `GET /api/v1/devices`: one page of devices; `next` is the cursor for the following page.
public struct DeviceList: Codable, Sendable, Equatable {
    public var devices: [DeviceView]
    public var next: String?

    public init(devices: [DeviceView], next: String?) {
        self.devices = devices
        self.next = next
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(devices, forKey: .devices)
        try c.encode(next, forKey: .next)
    }
}

/// `GET /api/v1/devices/{name}/events`: one page of a device's log, oldest first.
public struct EventList: Codable, Sendable, Equatable {
    public var events: [Event]
    public var next: String?

    public init(events: [Event], next: String?) {
        self.events = events
        self.next = next
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(events, forKey: .events)
        try c.encode(next, forKey: .next)
    }
}
