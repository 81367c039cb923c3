import Foundation

/// An acknowledge link as stored: its token's hash and the outages (device, down since) its message told.
public struct AckLink: Sendable, Equatable {
    public var hash: [UInt8]
    public var outages: [Outage]
    public var createdAt: Date
    public var usedAt: Date?

    public struct Outage: Sendable, Equatable {
        public var device: String
        public var since: Date

        public init(device: String, since: Date) {
            self.device = device
            self.since = since
        }
    }

    public init(hash: [UInt8], outages: [Outage], createdAt: Date, usedAt: Date? = nil) {
        self.hash = hash
        self.outages = outages
        self.createdAt = createdAt
        self.usedAt = usedAt
    }
}
