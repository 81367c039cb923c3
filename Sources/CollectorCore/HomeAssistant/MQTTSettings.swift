import Foundation
import MQTTClient

/// The MQTT link as configured (`DOWNTIME_MQTT_*`; docs/DESIGN.md "Home Assistant and MQTT"): where the broker is,
/// the topic everything is published under, and Home Assistant's discovery prefix (nil: discovery off).
public struct MQTTSettings: Sendable, Equatable {
    /// The broker and the login (the client id and the last will are set per connection, by `options`).
    public var broker: MQTTOptions
    /// The base topic (`downtime`): `downtime/status`, `downtime/device/NAME/state`, `downtime/incident`.
    public var topic: String
    /// `homeassistant` by default; nil when set empty (only the plain topics are published).
    public var discoveryPrefix: String?

    public static let defaultTopic = "downtime"
    public static let defaultDiscoveryPrefix = "homeassistant"

    /// Parses `mqtt://[user[:password]@]host[:port]` or `mqtts://…`; `key` names the setting in errors, which
    /// never repeat the password.
    public init(url: String, caFile: String? = nil, topic: String? = nil, discoveryPrefix: String? = nil, key: String)
        throws
    {
        func bad(_ why: String) -> ConfigError { ConfigError(key: key, message: why) }
        let scheme = url.split(separator: ":", maxSplits: 1).first.map { $0.lowercased() }
        guard scheme == "mqtt" || scheme == "mqtts", let c = URLComponents(string: url) else {
            throw bad("expected mqtt://user:password@host:1883 or mqtts://host:8883")
        }
        guard let host = c.host, !host.isEmpty else { throw bad("the URL has no host") }
        if let p = c.port, !(1...65535).contains(p) { throw bad("port must be from 1 to 65535") }
        guard c.path.isEmpty || c.path == "/", c.query == nil else {
            throw bad("the URL takes no path or query (the topic is DOWNTIME_MQTT_TOPIC)")
        }
        let tls = scheme == "mqtts"
        if caFile != nil && !tls { throw bad("a CA file (DOWNTIME_MQTT_CA) needs an mqtts:// URL") }
        broker = MQTTOptions(
            host: host, port: c.port ?? (tls ? 8883 : 1883),
            username: c.user.flatMap { $0.isEmpty ? nil : $0.removingPercentEncoding ?? $0 },
            password: c.password.map { $0.removingPercentEncoding ?? $0 }, tls: tls, caFile: caFile, clientID: "")
        let t = topic ?? Self.defaultTopic
        guard Self.isPlainTopic(t) else {
            throw ConfigError(
                key: "DOWNTIME_MQTT_TOPIC", message: "must be a topic without + # or empty levels, got \(t)")
        }
        self.topic = t
        let prefix = discoveryPrefix ?? Self.defaultDiscoveryPrefix
        guard prefix.isEmpty || Self.isPlainTopic(prefix) else {
            throw ConfigError(
                key: "DOWNTIME_MQTT_DISCOVERY_PREFIX",
                message: "must be a topic without + # or empty levels, got \(prefix)")
        }
        self.discoveryPrefix = prefix.isEmpty ? nil : prefix
    }

    /// A topic to publish under: no wildcards, no empty level, no leading `$`.
    static func isPlainTopic(_ t: String) -> Bool {
        !t.isEmpty && !t.hasPrefix("$") && t.utf8.count <= 200
            && t.split(separator: "/", omittingEmptySubsequences: false).allSatisfy {
                !$0.isEmpty && !$0.contains("+") && !$0.contains("#")
            }
    }

    /// Where the broker is, for logs: no user, no password.
    public var brokerName: String { "\(broker.tls ? "mqtts" : "mqtt")://\(broker.host):\(broker.port)" }

    /// The connection's options; the last will marks the collector offline.
    func options(clientID: String) -> MQTTOptions {
        var o = broker
        o.clientID = clientID
        o.will = MQTTMessage(topic: MQTTTopics(base: topic).status, text: "offline")
        return o
    }
}
