import DowntimeProtocol

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What the agent remembers across restarts and reboots (docs/DESIGN.md, "Gap detection").
public struct AgentState: Sendable, Equatable {
    public var bootID: String
    /// Last wall-clock time the agent was known alive.
    public var lastAlive: Date
    /// CLOCK_BOOTTIME seconds at `lastAlive`: exact gaps within one boot, whatever the wall clock did.
    public var lastAliveUptime: Double
    public var clockSynced: Bool
    /// Set when the agent stopped on SIGTERM: the gap that follows was planned.
    public var cleanShutdownAt: Date?
    /// The last time this boot's readings showed under-voltage (or throttling) now: an outage found at the
    /// next boot carries them as evidence.
    public var underVoltageSeen: Date?
    public var throttledSeen: Date?

    public init(
        bootID: String, lastAlive: Date, lastAliveUptime: Double, clockSynced: Bool, cleanShutdownAt: Date? = nil
    ) {
        self.bootID = bootID
        self.lastAlive = lastAlive
        self.lastAliveUptime = lastAliveUptime
        self.clockSynced = clockSynced
        self.cleanShutdownAt = cleanShutdownAt
    }
}

extension AgentState: Codable {
    enum CodingKeys: String, CodingKey {
        case bootID = "boot_id"
        case lastAlive = "last_alive"
        case lastAliveUptime = "last_alive_uptime"
        case clockSynced = "clock_synced"
        case cleanShutdownAt = "clean_shutdown_at"
        case underVoltageSeen = "under_voltage_seen"
        case throttledSeen = "throttled_seen"
    }

    // Times are ISO 8601 text without the wire's 2020...2100 check: an unsynced clock is a fact to keep.
    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        func time(_ key: CodingKeys) throws -> Date? {
            guard let text = try values.decodeIfPresent(String.self, forKey: key) else { return nil }
            guard let date = WireTime.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: values,
                    debugDescription: "not an ISO 8601 time")
            }
            return date
        }
        bootID = try values.decode(String.self, forKey: .bootID)
        guard !bootID.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .bootID, in: values, debugDescription: "empty")
        }
        guard let alive = try time(.lastAlive) else {
            throw DecodingError.keyNotFound(CodingKeys.lastAlive, .init(codingPath: [], debugDescription: "missing"))
        }
        lastAlive = alive
        lastAliveUptime = try values.decode(Double.self, forKey: .lastAliveUptime)
        guard lastAliveUptime.isFinite, lastAliveUptime >= 0 else {
            throw DecodingError.dataCorruptedError(
                forKey: .lastAliveUptime, in: values,
                debugDescription: "out of range")
        }
        clockSynced = try values.decode(Bool.self, forKey: .clockSynced)
        cleanShutdownAt = try time(.cleanShutdownAt)
        underVoltageSeen = try time(.underVoltageSeen)
        throttledSeen = try time(.throttledSeen)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(bootID, forKey: .bootID)
        try container.encode(WireTime.format(lastAlive), forKey: .lastAlive)
        try container.encode(lastAliveUptime, forKey: .lastAliveUptime)
        try container.encode(clockSynced, forKey: .clockSynced)
        try container.encode(cleanShutdownAt.map(WireTime.format), forKey: .cleanShutdownAt)
        // Left out when never seen: the file of a device without warnings is what older agents wrote.
        try container.encodeIfPresent(underVoltageSeen.map(WireTime.format), forKey: .underVoltageSeen)
        try container.encodeIfPresent(throttledSeen.map(WireTime.format), forKey: .throttledSeen)
    }
}
