/// Where and how to reach a broker: what `MQTTConnection` needs, nothing of the collector.
public struct MQTTOptions: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?
    /// TLS (mqtts) with this CA file; nil with `tls` uses the system's CAs.
    public var tls: Bool
    public var caFile: String?
    public var clientID: String
    /// Seconds between keep-alive pings: the broker sends the last will after 1.5 times this of silence.
    public var keepAlive: Int
    /// Published by the broker when this client vanishes without a clean disconnect (retained).
    public var will: MQTTMessage?
    /// Pauses between reconnect attempts: doubling from the first to the last, which repeats.
    public var backoff: ClosedRange<Double>
    /// At most this many topics wait to be sent; a message for another topic beyond it is dropped (counted).
    public var maxPending: Int

    public init(
        host: String, port: Int, username: String? = nil, password: String? = nil, tls: Bool = false,
        caFile: String? = nil, clientID: String, keepAlive: Int = 30, will: MQTTMessage? = nil,
        backoff: ClosedRange<Double> = 1...10, maxPending: Int = 200_000
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.tls = tls
        self.caFile = caFile
        self.clientID = clientID
        self.keepAlive = keepAlive
        self.will = will
        self.backoff = backoff
        self.maxPending = maxPending
    }
}

/// One message to publish (QoS 0: the publisher sends everything again after a reconnect).
public struct MQTTMessage: Sendable, Equatable {
    public var topic: String
    public var payload: [UInt8]
    public var retain: Bool

    public init(topic: String, payload: [UInt8], retain: Bool = true) {
        self.topic = topic
        self.payload = payload
        self.retain = retain
    }

    public init(topic: String, text: String, retain: Bool = true) {
        self.init(topic: topic, payload: Array(text.utf8), retain: retain)
    }
}
