import Testing

@testable import CollectorCore

@Suite struct MQTTSettingsTests {
    @Test func aPlainURLWithCredentials() throws {
        let s = try MQTTSettings(url: "mqtt://ha:s%40cret@broker.lan:1884", key: "DOWNTIME_MQTT_URL")
        #expect(s.broker.host == "broker.lan" && s.broker.port == 1884 && !s.broker.tls)
        #expect(s.broker.username == "ha" && s.broker.password == "s@cret")
        #expect(s.topic == "downtime" && s.discoveryPrefix == "homeassistant")
        #expect(s.brokerName == "mqtt://broker.lan:1884")
        let o = s.options(clientID: "x")
        #expect(o.will == .init(topic: "downtime/status", text: "offline"))
    }

    @Test func defaultPortsAndTLS() throws {
        #expect(try MQTTSettings(url: "mqtt://b", key: "k").broker.port == 1883)
        let tls = try MQTTSettings(url: "mqtts://b", caFile: "/etc/ca.pem", key: "k").broker
        #expect(tls.port == 8883 && tls.tls && tls.caFile == "/etc/ca.pem")
    }

    @Test func anEmptyPrefixTurnsDiscoveryOffAndATopicIsKept() throws {
        let s = try MQTTSettings(url: "mqtt://b", topic: "home/dtm", discoveryPrefix: "", key: "k")
        #expect(s.discoveryPrefix == nil && s.topic == "home/dtm")
    }

    @Test(arguments: [
        ("http://b:1883", "expected mqtt://"),
        ("mqtt://", "no host"),
        ("mqtt://b:0", "port must be from 1 to 65535"),
        ("mqtt://b/topic", "takes no path"),
        ("broker:1883", "expected mqtt://"),
    ])
    func aBadURLIsNamedWithoutItsPassword(url: String, words: String) {
        #expect {
            try MQTTSettings(url: url, key: "DOWNTIME_MQTT_URL")
        } throws: { error in
            let e = error as? ConfigError
            return e?.key == "DOWNTIME_MQTT_URL" && e?.message.contains(words) == true
        }
    }

    @Test func aCAFileNeedsTLSAndATopicNeedsNoWildcards() {
        #expect(throws: ConfigError.self) { try MQTTSettings(url: "mqtt://b", caFile: "/ca.pem", key: "k") }
        for bad in ["a/+/b", "a/#", "a//b", "", "$SYS/x"] {
            #expect(throws: ConfigError.self) { try MQTTSettings(url: "mqtt://b", topic: bad, key: "k") }
        }
    }

    @Test func theConfigKeysNameWhereAValueCameFrom() throws {
        let c = try CollectorConfig.resolve([[.mqttURL: "mqtt://u:p@127.0.0.1:1883", .mqttTopic: "dtm"]])
        #expect(c.mqtt?.topic == "dtm" && c.mqtt?.broker.password == "p")
        #expect(try CollectorConfig.resolve([[:]]).mqtt == nil)
        #expect {
            try CollectorConfig.resolve(named: [.file([.mqttURL: "tcp://b"], path: "/etc/dtm.env")])
        } throws: { error in
            (error as? ConfigError)?.description.hasPrefix("DOWNTIME_MQTT_URL in /etc/dtm.env: expected mqtt://")
                == true
        }
        // The other keys alone would do nothing: said, not ignored.
        #expect {
            try CollectorConfig.resolve([[.mqttTopic: "dtm"]])
        } throws: { error in
            (error as? ConfigError)?.description == "DOWNTIME_MQTT_TOPIC: needs DOWNTIME_MQTT_URL (the broker)"
        }
        #expect {
            try CollectorConfig.resolve([[.mqttURL: "mqtt://b", .mqttDiscoveryPrefix: "ha/#"]])
        } throws: { error in
            (error as? ConfigError)?.key == "DOWNTIME_MQTT_DISCOVERY_PREFIX"
        }
    }

    @Test func thePageURLForLinksMadeOutsideARequest() throws {
        var c = CollectorConfig()
        c.host = "10.0.0.2"
        #expect(c.pageURL == "http://10.0.0.2:8899")
        c.publicURL = "https://nas.example"
        #expect(c.pageURL == "https://nas.example")
        #expect(throws: ConfigError.self) { try CollectorConfig.resolve([[.publicURL: "nas:8899"]]) }
    }
}
