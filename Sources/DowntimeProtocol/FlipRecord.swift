#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A liveness state change recorded by the collector.
public struct FlipRecord: Sendable, Hashable {
    public var from: DeviceStatus
    public var to: DeviceStatus
    public var reason: String
    public init(from: DeviceStatus, to: DeviceStatus, reason: String) {
        self.from = from
        self.to = to
        self.reason = reason
    }

    /// A status as a flip row spells it. The collector only ever wrote `DeviceStatus` values; any other
    /// text (a hand-edited or future row) reads as `late`, the one status never recorded, which shapes no
    /// period, notification or retention rule: what the text compared as before statuses were typed.
    public static func status(_ text: String) -> DeviceStatus {
        DeviceStatus(rawValue: text) ?? .late
    }
}
