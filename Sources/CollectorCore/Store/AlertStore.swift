import CollectorRules
import Foundation

/// Acknowledgements, snoozes, critical devices and the messages' acknowledge links (both backends,
/// `SQLStore+Alerts`; docs/DESIGN.md "Acknowledge, snooze, critical").
public protocol AlertStore: Sendable {
    /// Every device's acknowledgement, snooze and critical mark as stored (no incidents).
    func deviceAlerts() async throws -> DeviceAlerts
    /// Marks a device critical or not; false when there is no such device.
    func setCritical(_ critical: Bool, device: String) async throws -> Bool
    /// Snoozes a device until a time, or (nil) wakes it; false when there is no such device.
    func setSnoozed(until: Date?, device: String) async throws -> Bool
    /// Acknowledges a device's outage; false when there is no such device.
    func acknowledge(device: String, _ ack: DeviceAlerts.Ack) async throws -> Bool
    /// Keeps an acknowledge link (by its token's hash) for the outages it names.
    func addAckLink(_ link: AckLink) async throws
    /// The link of a token's hash, or nil.
    func ackLink(hash: [UInt8]) async throws -> AckLink?
    /// Marks a link used at `at`; false when it was used already (by this call's rival too: one use only).
    func useAckLink(hash: [UInt8], at: Date) async throws -> Bool
}
