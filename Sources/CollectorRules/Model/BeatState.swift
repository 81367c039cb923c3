import DowntimeProtocol
import Foundation

/// The facts of a device's newest heartbeat.
public struct BeatState: Sendable, Equatable {
    public var at: Date
    public var intervalS: Int
    public var agentVersion: String
    public var bootID: String
    public var clockSkewS: Double
    public var clockSynced: Bool
    public var uptimeS: Double
    public var seq: UInt64
    /// The agent's storage warning; stored with the beat (the record holds it, a restart shows it at once).
    public var storage: StorageWarning?
    /// The device's power flags and temperature from its newest beat; in memory only (the next beat brings them back).
    public var health: DeviceHealth?
    /// The service checks' newest digest, holding the newest full results the agent sent (a beat with the
    /// digest alone keeps them); in memory only, like `health`: the agent resends them each persist interval.
    public var checks: CheckDigest?

    public init(
        at: Date, intervalS: Int, agentVersion: String, bootID: String, clockSkewS: Double,
        clockSynced: Bool, uptimeS: Double, seq: UInt64, storage: StorageWarning? = nil,
        health: DeviceHealth? = nil, checks: CheckDigest? = nil
    ) {
        self.at = at
        self.intervalS = intervalS
        self.agentVersion = agentVersion
        self.bootID = bootID
        self.clockSkewS = clockSkewS
        self.clockSynced = clockSynced
        self.uptimeS = uptimeS
        self.seq = seq
        self.storage = storage
        self.health = health
        self.checks = checks
    }
}
