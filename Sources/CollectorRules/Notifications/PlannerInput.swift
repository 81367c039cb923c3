import DowntimeProtocol
import Foundation

/// What the notification planner is told: a closed set, taken by one `NotificationPlanner.observe(_:)`.
public enum PlannerInput: Sendable {
    /// Recorded flips, observed at `now`.
    case flips([FlipChange], now: Date)
    /// A device's firmware reported under-voltage.
    case underVoltage(device: String, at: Date)
    /// A UPS's change.
    case ups(UPSEvent)
    /// An agent's state folder changed state (`event`: the stored `storage` event's id, which the log's notification
    /// cursor stays before until its message went out).
    case storage(device: String, state: StorageState, path: String, at: Date, event: UUID? = nil)
    /// An incident first recorded (`new`) or updated.
    case incident(Incident, new: Bool, now: Date)
    /// Recorded service check flips, observed at `now`.
    case checkFlips([CheckFlip], now: Date)
    /// Recorded job flips (`job_flip` rows), observed at `now`.
    case jobFlips([JobFlip], now: Date)
    /// The collector's wall clock stepped by this many seconds (found by `ClockWatch`).
    case clockStepped(by: TimeInterval)
    /// Acknowledgements, snoozes and critical devices as stored now: applied to every message due from then on.
    case alerts(DeviceAlerts)
}
