#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The collector's answer to a heartbeat: its own time (so the agent sees its skew) and the interval to use.
public struct HeartbeatReply: Codable, Sendable, Equatable {
    public var serverTime: Date
    public var intervalS: Int

    enum CodingKeys: String, CodingKey {
        case serverTime = "server_time"
        case intervalS = "interval_s"
    }

    public init(serverTime: Date, intervalS: Int) {
        self.serverTime = serverTime
        self.intervalS = intervalS
    }

    /// The same bytes as `WireCoding.encode(self)` (sorted keys), written directly: no encoder on every beat.
    public var wireBytes: [UInt8] {
        Array("{\"interval_s\":\(intervalS),\"server_time\":\"\(WireTime.format(serverTime))\"}".utf8)
    }
}
