import Foundation
import Logging
import Testing

@testable import CollectorCore

@Suite struct MQTTLinkStatusTests {
    let t0 = Date(timeIntervalSince1970: 1_796_000_000)

    @Test func aReportWithoutAReasonKeepsTheReasonAndItsSince() {
        let health = CollectorHealth(logger: Logger(label: "test"), dataDir: nil)
        let broker = "mqtt://b:1883"
        health.observeMQTT(.init(broker: broker, state: .connecting, reason: "refused: not authorised", since: t0))
        health.observeMQTT(.init(broker: broker, state: .connecting, since: t0 + 10, dropped: 3))
        var s = health.snapshot().mqtt
        #expect(s?.reason == "refused: not authorised" && s?.since == t0 && s?.dropped == 3)
        #expect(s?.words == "MQTT: not connected to mqtt://b:1883 (refused: not authorised), retrying")
        health.observeMQTT(.init(broker: broker, state: .connected, since: t0 + 20))
        s = health.snapshot().mqtt
        #expect(s?.reason == nil && s?.since == t0 + 20 && s?.words == "MQTT: connected to mqtt://b:1883")
        health.observeMQTT(.init(broker: broker, state: .standby, since: t0 + 30))
        #expect(health.snapshot().mqtt?.words == "MQTT: another collector publishes")
    }
}
