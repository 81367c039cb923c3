/// A publish/subscribe link to a broker, as the collector's publisher uses it; `MQTTConnection` is the real one.
public protocol MQTTLink: Sendable {
    /// What happens on the link, in order; ends after `stop`.
    var events: AsyncStream<MQTTLinkEvent> { get }
    /// Starts connecting (a broker that is away is retried, never an error).
    func start()
    /// Queues a message; the newest per topic wins while the link is down or busy. Never waits.
    func publish(_ message: MQTTMessage)
    /// Subscribes now and after every reconnect.
    func subscribe(_ topic: String)
    /// Sends what is queued (up to a short deadline), disconnects cleanly and ends the events.
    func stop() async
    /// Whether a session with the broker is up.
    var isConnected: Bool { get }
    /// Messages dropped because the queue was full.
    var dropped: Int { get }
}
