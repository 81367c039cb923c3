import Foundation

/// The MQTT link as the page footer and `/metrics` show it.
public struct MQTTLinkStatus: Sendable, Equatable {
    public enum State: String, Sendable, Equatable {
        /// A session with the broker is up and this collector publishes.
        case connected
        /// This collector publishes but has no session (the broker is away, or refuses).
        case connecting
        /// Another collector leads and publishes; this one stays off the broker.
        case standby
    }

    /// `mqtt://host:port`, no credentials.
    public var broker: String
    public var state: State
    /// Why it is not connected (the broker's or the system's words).
    public var reason: String?
    public var since: Date
    /// Messages dropped because the queue to the broker was full, this run.
    public var dropped: Int

    public init(broker: String, state: State, reason: String? = nil, since: Date, dropped: Int = 0) {
        self.broker = broker
        self.state = state
        self.reason = reason
        self.since = since
        self.dropped = dropped
    }

    /// The footer's words.
    public var words: String {
        switch state {
        case .connected: "MQTT: connected to \(broker)"
        case .connecting: "MQTT: not connected to \(broker)" + (reason.map { " (\($0))" } ?? "") + ", retrying"
        case .standby: "MQTT: another collector publishes"
        }
    }
}
