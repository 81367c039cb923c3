import DowntimeProtocol
import Foundation

/// A recorded status change: the flip row and the device's new status, committed together.
public struct FlipChange: Sendable, Equatable {
    /// The flip of `device` from one status to another at `at`, as the collector records it.
    public static func flip(_ device: String, from: DeviceStatus, to: DeviceStatus, at: Date, reason: FlipReason)
        -> FlipChange
    {
        FlipChange(
            device: device, status: to,
            event: Event(
                device: device, at: at, bootID: nil,
                payload: .flip(FlipRecord(from: from, to: to, reason: reason.text))))
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

extension FlipChange {
    /// The status this flip leaves (nil when the flip record is not a flip).
    package var from: DeviceStatus? {
        guard case .flip(let f) = event.payload else { return nil }
        return f.from
    }
}

extension FlipChange {
    package var describe: String {
        guard case .flip(let f) = event.payload else { return status.rawValue }
        return "\(f.from.rawValue) → \(f.to.rawValue) (\(f.reason))"
    }
}
