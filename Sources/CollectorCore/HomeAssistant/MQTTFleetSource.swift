import CollectorRules
import DowntimeProtocol
import Foundation

/// What the MQTT bridge reads of the collector, and where it reports its link.
public protocol MQTTFleetSource: Sendable {
    func deviceDetails() async throws -> [DeviceDetail]
    func deviceDetail(_ name: String) async throws -> DeviceDetail?
    func upsStates() -> [UPSState]
    /// The incidents of the last 30 days.
    func recentIncidents() async throws -> [Incident]
    /// Whether this collector leads (records and publishes); a sole collector always does.
    var isLeading: Bool { get }
    /// The devices whose status changed, as they change; ends when the collector stops.
    func statusChanges() -> AsyncStream<String>
    func mqttChanged(_ status: MQTTLinkStatus)
    func now() -> Date
}
