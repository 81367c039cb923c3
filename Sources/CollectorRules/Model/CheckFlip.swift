import DowntimeProtocol
import Foundation

/// A service check's recorded state change: a row of the check flips and a `check` row of the device's log, with
/// the event's id.
public struct CheckFlip: Sendable, Equatable {
    public var id: UUID
    public var device: String
    public var record: CheckFlipRecord
    /// When it changed, on the collector's clock.
    public var at: Date
    /// False for a check the agent set `notify=no`.
    public var notify: Bool

    public init(id: UUID = UUID(), device: String, record: CheckFlipRecord, at: Date, notify: Bool = true) {
        self.id = id
        self.device = device
        self.record = record
        self.at = at
        self.notify = notify
    }

    /// The check's name on the device.
    public var name: String { record.name }

    /// The same change as a row of the device's log.
    public var event: Event { Event(id: id, device: device, at: at, bootID: nil, payload: .check(record)) }

    /// The check's state as this flip left it.
    public var result: CheckResult {
        CheckResult(name: record.name, state: record.to, detail: record.detail, since: at, notify: notify)
    }
}
