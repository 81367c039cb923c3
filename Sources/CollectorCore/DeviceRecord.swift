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
    /// The agent's storage warning; kept in memory only (the next beat brings it back after a restart).
    public var storage: StorageWarning?
    /// The device's power flags and temperature from its newest beat; in memory only, like `storage`.
    public var health: DeviceHealth?

    public init(at: Date, intervalS: Int, agentVersion: String, bootID: String, clockSkewS: Double,
                clockSynced: Bool, uptimeS: Double, seq: UInt64, storage: StorageWarning? = nil,
                health: DeviceHealth? = nil) {
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
    }
}

/// A device as stored: identity, admin settings, recorded status and its newest beat.
public struct DeviceRecord: Sendable, Equatable {
    public var name: String
    public var tokenHash: [UInt8]
    public var createdAt: Date
    public var paused: Bool
    /// An admin's interval, winning over the agent's.
    public var intervalOverride: Int?
    public var tags: [String]
    /// The status of the newest recorded flip (`late` is never recorded).
    public var status: DeviceStatus
    public var statusSince: Date
    public var beat: BeatState?

    public init(name: String, tokenHash: [UInt8], createdAt: Date, paused: Bool = false, intervalOverride: Int? = nil,
                tags: [String] = [], status: DeviceStatus = .new, statusSince: Date? = nil, beat: BeatState? = nil) {
        self.name = name
        self.tokenHash = tokenHash
        self.createdAt = createdAt
        self.paused = paused
        self.intervalOverride = intervalOverride
        self.tags = tags
        self.status = status
        self.statusSince = statusSince ?? createdAt
        self.beat = beat
    }

    /// The interval liveness uses: the admin's, else the agent's, else the default.
    public func interval(default fallback: Int) -> Int {
        intervalOverride ?? beat?.intervalS ?? fallback
    }
}

/// An event as stored, with the collector's receipt time and its place in the log.
public struct StoredEvent: Sendable, Equatable {
    public var event: Event
    public var receivedAt: Date
    public var seq: Int64
    public init(event: Event, receivedAt: Date, seq: Int64) {
        self.event = event
        self.receivedAt = receivedAt
        self.seq = seq
    }
}

/// A recorded status change: the flip row and the device's new status, committed together.
public struct FlipChange: Sendable, Equatable {
    /// The flip of `device` from one status to another at `at`, as the collector records it.
    public static func flip(_ device: String, from: DeviceStatus, to: DeviceStatus, at: Date, reason: String) -> FlipChange {
        FlipChange(device: device, status: to, event: Event(device: device, at: at, bootID: nil,
                                                              payload: .flip(FlipRecord(from: from.rawValue, to: to.rawValue, reason: reason))))
    }

    public var device: String
    public var status: DeviceStatus
    public var event: Event
    public init(device: String, status: DeviceStatus, event: Event) {
        self.device = device
        self.status = status
        self.event = event
    }
}
