#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `POST /api/v1/heartbeat`: the agent says it is alive.
public struct Heartbeat: Codable, Sendable, Equatable {
    public var device: String
    public var seq: UInt64
    public var bootID: String
    public var uptimeS: Double
    public var sentAt: Date
    public var clockSynced: Bool
    public var intervalS: Int
    public var agentVersion: String
    /// Present only while the agent's state folder cannot be written (optional: older peers omit it).
    public var storage: StorageWarning?
    /// The device's power and thermal state where it has sensors (optional: older agents and other devices omit it).
    public var health: DeviceHealth?
    /// The service checks' digest, with their results after a change (optional: older agents and agents
    /// without checks omit it).
    public var checks: CheckDigest?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case device, seq
        case bootID = "boot_id"
        case uptimeS = "uptime_s"
        case sentAt = "sent_at"
        case clockSynced = "clock_synced"
        case intervalS = "interval_s"
        case agentVersion = "agent_version"
        case storage, health, checks
    }

    public init(
        device: String, seq: UInt64, bootID: String, uptimeS: Double, sentAt: Date,
        clockSynced: Bool, intervalS: Int, agentVersion: String, storage: StorageWarning? = nil,
        health: DeviceHealth? = nil, checks: CheckDigest? = nil
    ) {
        self.device = device
        self.seq = seq
        self.bootID = bootID
        self.uptimeS = uptimeS
        self.sentAt = sentAt
        self.clockSynced = clockSynced
        self.intervalS = intervalS
        self.agentVersion = agentVersion
        self.storage = storage
        self.health = health
        self.checks = checks
    }

    private static let keys = Set(CodingKeys.allCases.map(\.rawValue))

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(Self.keys)
        let values = try decoder.container(keyedBy: CodingKeys.self)
        device = try Check.deviceName(values.decode(String.self, forKey: .device))
        seq = UInt64(try Check.integer(values, .seq, field: "seq"))
        bootID = try Check.bootID(values.decode(String.self, forKey: .bootID))
        uptimeS = try Check.seconds(values.decode(Double.self, forKey: .uptimeS), field: "uptime_s")
        sentAt = try values.decode(Date.self, forKey: .sentAt)
        clockSynced = try values.decode(Bool.self, forKey: .clockSynced)
        intervalS = Int(try Check.integer(values, .intervalS, field: "interval_s", range: 1...86_400))
        agentVersion = try Check.text(values.decode(String.self, forKey: .agentVersion), field: "agent_version")
        // Absent while healthy, never null.
        storage = values.contains(.storage) ? try values.decode(StorageWarning.self, forKey: .storage) : nil
        health = values.contains(.health) ? try values.decode(DeviceHealth.self, forKey: .health) : nil
        checks = values.contains(.checks) ? try values.decode(CheckDigest.self, forKey: .checks) : nil
    }
}
