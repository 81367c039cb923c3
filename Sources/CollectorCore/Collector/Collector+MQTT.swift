import CollectorRules
import DowntimeProtocol
import Foundation

/// What the MQTT bridge reads and hears of the collector.
extension Collector: MQTTFleetSource {
    public func deviceDetails() async throws -> [DeviceDetail] { try await reads.deviceDetails() }
    public func deviceDetail(_ name: String) async throws -> DeviceDetail? { try await reads.deviceDetail(name) }
    public func upsStates() -> [UPSState] { ups.states() }
    public func recentIncidents() async throws -> [Incident] { try await reads.recentIncidents() }

    public var isLeading: Bool { leadership.isLeading }

    /// The feed drops a subscriber that falls behind: this one subscribes again (a second later; the bridge's
    /// refresh covers the gap) until it is cancelled.
    public func statusChanges() -> AsyncStream<String> {
        AsyncStream { out in
            let task = Task { [changes = sweeper.flips.changes] in
                while !Task.isCancelled {
                    let (_, stream, subscription) = changes.subscribe(after: nil)
                    await withTaskCancellationHandler {
                        for await item in stream {
                            if case .change(let c) = item { out.yield(c.device) }
                        }
                    } onCancel: {
                        subscription.finish()
                    }
                    try? await Task.sleep(for: .seconds(1))
                }
                out.finish()
            }
            out.onTermination = { _ in task.cancel() }
        }
    }

    public func mqttChanged(_ status: MQTTLinkStatus) { health.observeMQTT(status) }

    public func now() -> Date { clock.wall.now() }
}
