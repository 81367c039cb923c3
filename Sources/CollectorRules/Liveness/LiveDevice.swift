import DowntimeProtocol
import Foundation

/// A device's stored record with the status liveness gives it right now.
public struct LiveDevice: Sendable, Equatable {
    public var record: DeviceRecord
    public var status: DeviceStatus
    public init(record: DeviceRecord, status: DeviceStatus) {
        self.record = record
        self.status = status
    }
}
