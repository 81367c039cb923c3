import DowntimeProtocol
import Foundation

/// A device as stored: identity, admin settings, recorded status and its newest beat.
public struct DeviceRecord: Sendable, Equatable {
    public var name: String
    public var tokenHash: [UInt8]
    public var createdAt: Date
    public var paused: Bool
    /// An admin's interval, winning over the agent's.
    public var intervalOverride: Int?
    public var tags: [String]
    /// The site the device stands at (docs/DESIGN.md "Sites and incidents"); nil is the default site.
    public var site: String?
    /// The status of the newest recorded flip (`late` is never recorded).
    public var status: DeviceStatus
    public var statusSince: Date
    public var beat: BeatState?
    /// The device this one depends on (its router, its switch): see `DependencyRule`.
    public var dependsOn: String?
    /// The name public status pages show (`DisplayName`); nil: a stand-in such as "Device 1".
    public var displayName: String?

    public init(
        name: String, tokenHash: [UInt8], createdAt: Date, paused: Bool = false, intervalOverride: Int? = nil,
        tags: [String] = [], site: String? = nil, status: DeviceStatus = .new, statusSince: Date? = nil,
        beat: BeatState? = nil, dependsOn: String? = nil, displayName: String? = nil
    ) {
        self.name = name
        self.tokenHash = tokenHash
        self.createdAt = createdAt
        self.paused = paused
        self.intervalOverride = intervalOverride
        self.tags = tags
        self.site = site
        self.status = status
        self.statusSince = statusSince ?? createdAt
        self.beat = beat
        self.dependsOn = dependsOn
        self.displayName = displayName
    }

    /// The interval liveness uses: the admin's, else the agent's, else the default.
    public func interval(default fallback: Int) -> Int {
        intervalOverride ?? beat?.intervalS ?? fallback
    }
}
