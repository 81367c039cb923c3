/// What the connection's thread reports.
public enum MQTTLinkEvent: Sendable, Equatable {
    /// The broker accepted the session: everything is to be published again.
    case connected
    /// The link is down (or never came up); the reason in words, the same words for the same cause.
    case disconnected(reason: String)
    /// A message on a subscribed topic.
    case message(topic: String, payload: [UInt8])
}
