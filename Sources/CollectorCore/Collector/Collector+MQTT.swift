import DowntimeProtocol
import Foundation

extension Collector: MQTTFleetSource {
    public var isLeading: Bool { leadership.isLeading }

    public func statusChanges() -> AsyncStream<String> {
        let (_, stream, subscription) = changes.subscribe(after: nil)
        return AsyncStream { out in
            let task = Task {
                for await item in stream {
                    if case .change(let c) = item { out.yield(c.device) }
                }
                out.finish()
            }
            out.onTermination = { _ in
                task.cancel()
                subscription.finish()
            }
        }
    }

    public func mqttChanged(_ status: MQTTLinkStatus) { health.observeMQTT(status) }

    public func now() -> Date { clock.now() }
}
