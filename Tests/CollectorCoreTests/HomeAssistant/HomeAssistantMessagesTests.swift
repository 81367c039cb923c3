import DowntimeProtocol
import Foundation
import MQTTClient
import Testing

@testable import CollectorCore
@testable import CollectorRules

@Suite struct HomeAssistantMessagesTests {
    let now = Date(timeIntervalSince1970: 1_796_000_000)
    let messages = HomeAssistantMessages(
        settings: try! MQTTSettings(url: "mqtt://b", key: "k"), pageURL: "http://nas:8899/", collectorVersion: "9.9")

    func detail(
        _ name: String = "pi-kitchen.lan", status: DeviceStatus = .up, temp: Double? = nil,
        current: OutageView? = nil, last: OutageView? = nil, firstSeen: Date? = nil, site: String = "default"
    ) -> DeviceDetail {
        var health = DeviceHealth()
        health.tempC = temp
        health.underVoltageNow = false
        let view = DeviceView(
            name: name, status: status, lastSeen: now - 3, intervalS: 10, agentVersion: "1.2.3", bootID: nil,
            clockSkewS: nil, clockSynced: true, uptimeS: nil, currentOutage: current, lastOutage: last,
            uptime: UptimeView(day: 0.987654, week: 1, month: nil), tags: [], health: health, site: site)
        return DeviceDetail(view: view, outages: [], unknown: [], firstSeen: firstSeen, days: [])
    }

    func object(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    @Test func theConfigHoldsTheDeviceAndItsEntities() throws {
        let m = try #require(messages.config(detail(temp: 48.5, site: "house")))
        #expect(m.topic == "homeassistant/device/pi_kitchen_lan/config" && m.retain)
        let json = try object(m.payload)
        let device = try #require(json["device"] as? [String: Any])
        #expect(device["identifiers"] as? [String] == ["downtimemon_pi_kitchen_lan"])
        #expect(device["name"] as? String == "pi-kitchen.lan")
        #expect(device["model"] as? String == "DowntimeMon agent")
        #expect(device["sw_version"] as? String == "1.2.3")
        #expect(device["configuration_url"] as? String == "http://nas:8899/devices/pi-kitchen.lan")
        #expect(device["suggested_area"] as? String == "house")
        #expect((json["origin"] as? [String: Any])?["name"] as? String == "DowntimeMon")
        #expect(json["state_topic"] as? String == "downtime/device/pi-kitchen.lan/state")
        let availability = try #require(json["availability"] as? [[String: Any]])
        #expect(availability.first?["topic"] as? String == "downtime/status")
        let c = try #require(json["components"] as? [String: [String: Any]])
        #expect(
            Set(c.keys) == [
                "connectivity", "status", "last_seen", "uptime_24h", "uptime_7d", "last_outage_cause", "temperature",
                "power", "storage",
            ])
        #expect(c["connectivity"]?["platform"] as? String == "binary_sensor")
        #expect(c["connectivity"]?["device_class"] as? String == "connectivity")
        #expect(c["status"]?["device_class"] as? String == "enum")
        #expect(c["status"]?["options"] as? [String] == ["down", "late", "new", "paused", "unreachable", "up"])
        #expect(c["last_seen"]?["device_class"] as? String == "timestamp")
        #expect(c["uptime_7d"]?["unit_of_measurement"] as? String == "%")
        #expect(c["temperature"]?["unit_of_measurement"] as? String == "°C")
        #expect(c["power"]?["device_class"] as? String == "problem")
        #expect(c["power"]?["default_entity_id"] as? String == "binary_sensor.pi_kitchen_lan_power")
        // Unique ids are stable and distinct.
        let ids = c.values.compactMap { $0["unique_id"] as? String }
        #expect(Set(ids).count == 9 && ids.allSatisfy { $0.hasPrefix("downtimemon_pi_kitchen_lan_") })
    }

    @Test func noTemperatureEntityWithoutATemperatureAndNoConfigWithoutDiscovery() throws {
        let m = try #require(messages.config(detail()))
        let c = try #require(try object(m.payload)["components"] as? [String: Any])
        #expect(c["temperature"] == nil)
        let plain = HomeAssistantMessages(
            settings: try MQTTSettings(url: "mqtt://b", discoveryPrefix: "", key: "k"), pageURL: nil,
            collectorVersion: "1")
        #expect(plain.config(detail()) == nil)
        #expect(plain.removal(device: "a").map(\.topic) == ["downtime/device/a/state"])
    }

    @Test func theStateSaysStatusSinceAndTheLastOutage() throws {
        let outage = OutageView(
            start: now - 600, end: now - 500, durationS: 100.04, cause: .powerLoss, source: "agent")
        let m = messages.state(detail(status: .up, temp: 51, last: outage, firstSeen: now - 86_400))
        #expect(m.topic == "downtime/device/pi-kitchen.lan/state" && m.retain)
        let json = try object(m.payload)
        #expect(json["status"] as? String == "up" && json["online"] as? Bool == true)
        #expect(json["since"] as? String == WireTime.format(now - 500))
        #expect(json["last_beat"] as? String == WireTime.format(now - 3))
        #expect(json["last_outage_cause"] as? String == "power_loss")
        #expect(json["last_outage_s"] as? Double == 100)
        #expect(json["uptime_24h"] as? Double == 98.765 && json["uptime_7d"] as? Double == 100)
        #expect(json["temperature_c"] as? Double == 51)
        #expect(json["power_warning"] as? Bool == false && json["site"] as? String == "default")
        // Unknown fields are null, present: a template reads None, not an error.
        #expect(json["storage_warning"] is NSNull)
    }

    @Test(arguments: [
        (DeviceStatus.down, false, true), (.late, true, false), (.unreachable, false, true), (.new, false, false),
        (.paused, false, false),
    ])
    func onlineAndSincePerStatus(status: DeviceStatus, online: Bool, sinceIsOutageStart: Bool) throws {
        let current = OutageView(start: now - 40, end: nil, durationS: 40, cause: .unknown, source: "collector")
        let d = detail(status: status, current: status == .down || status == .unreachable ? current : nil)
        let json = try object(messages.state(d).payload)
        #expect(json["online"] as? Bool == online)
        let since = json["since"] as? String
        switch status {
        case .down, .unreachable: #expect(since == WireTime.format(now - 40))
        case .late: #expect(since == WireTime.format(now - 3))
        default: #expect(json["since"] is NSNull)
        }
        #expect(sinceIsOutageStart == (since == WireTime.format(now - 40)))
    }

    @Test func aRemovedDeviceHasItsTopicsEmptied() {
        let r = messages.removal(device: "pi-old")
        #expect(r.map(\.topic) == ["downtime/device/pi-old/state", "homeassistant/device/pi_old/config"])
        #expect(r.allSatisfy { $0.payload.isEmpty && $0.retain })
    }

    @Test func aUPSIsADeviceWithMainsPowerAndCharge() throws {
        var ups = UPSState(name: "myups@nas:3493")
        ups.readable = true
        let m = try #require(messages.config(ups))
        #expect(m.topic == "homeassistant/device/ups_myups_nas_3493/config")
        let c = try #require(try object(m.payload)["components"] as? [String: [String: Any]])
        #expect(c["mains"]?["device_class"] as? String == "power")
        #expect(c["mains"]?["value_template"] as? String == "{{ 'OFF' if value_json.on_battery else 'ON' }}")
        #expect(c["charge"]?["device_class"] as? String == "battery")
        #expect(messages.state(ups).topic == "downtime/ups/myups_nas_3493/state")
    }
}
