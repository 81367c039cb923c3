import CollectorRules
import DowntimeProtocol
import Foundation
import MQTTClient

/// Pure: the messages that tell Home Assistant (and any MQTT subscriber) about the fleet, from what the pages show.
/// Topics and payloads are in docs/DESIGN.md "Home Assistant and MQTT".
struct HomeAssistantMessages: Sendable {
    let topics: MQTTTopics
    /// nil: discovery off, only the plain topics.
    let discoveryPrefix: String?
    /// Where the collector's pages are (`http://nas:8899`), for each device's `configuration_url`.
    let pageURL: String?
    let collectorVersion: String

    init(settings: MQTTSettings, pageURL: String?, collectorVersion: String) {
        topics = MQTTTopics(base: settings.topic)
        discoveryPrefix = settings.discoveryPrefix
        self.pageURL = pageURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.collectorVersion = collectorVersion
    }

    var online: MQTTMessage { MQTTMessage(topic: topics.status, text: "online") }
    var offline: MQTTMessage { MQTTMessage(topic: topics.status, text: "offline") }

    func state(_ d: DeviceDetail) -> MQTTMessage {
        MQTTMessage(topic: topics.deviceState(d.view.name), payload: Self.json(DeviceStateMessage(d)))
    }

    func state(_ ups: UPSState) -> MQTTMessage {
        MQTTMessage(topic: topics.upsState(ups.name), payload: Self.json(UPSStateMessage(ups)))
    }

    /// The newest incident, retained: a subscriber that comes later still sees it.
    func incident(_ i: Incident) -> MQTTMessage {
        MQTTMessage(topic: topics.incident, payload: Self.json(i))
    }

    /// What was published for a device that is gone, emptied: Home Assistant removes a device whose config is empty.
    func removal(device name: String) -> [MQTTMessage] {
        var out = [MQTTMessage(topic: topics.deviceState(name), payload: [])]
        if let prefix = discoveryPrefix {
            out.append(
                MQTTMessage(topic: MQTTTopics.discovery(prefix: prefix, objectID: Self.objectID(name)), payload: []))
        }
        return out
    }

    /// The id a device's entities are named after: `pi-kitchen.lan` is `pi_kitchen_lan`.
    static func objectID(_ name: String) -> String {
        String(name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }

    /// What a device's config says besides its name: the config changes only when these do.
    struct ConfigFacts: Equatable {
        var agentVersion: String?
        var hasTemperature: Bool
        var site: String

        init(_ v: DeviceView) {
            agentVersion = v.agentVersion
            hasTemperature = v.health?.tempC != nil
            site = v.site
        }
    }

    func config(_ d: DeviceDetail) -> MQTTMessage? {
        guard let prefix = discoveryPrefix else { return nil }
        let v = d.view
        let id = Self.objectID(v.name)
        var components: [String: DiscoveryConfig.Component] = [:]
        func add(
            _ key: String, _ platform: DiscoveryConfig.Component.Platform, _ name: String, template: String,
            deviceClass: String? = nil, stateClass: String? = nil, unit: String? = nil, options: [String]? = nil,
            category: String? = nil, icon: String? = nil
        ) {
            components[key] = DiscoveryConfig.Component(
                platform: platform, name: name, uniqueID: "downtimemon_\(id)_\(key)",
                defaultEntityID: "\(platform.rawValue).\(id)_\(key)", deviceClass: deviceClass, stateClass: stateClass,
                unitOfMeasurement: unit, valueTemplate: template, options: options, entityCategory: category, icon: icon
            )
        }
        add(
            "connectivity", .binarySensor, "Connectivity", template: Self.onOff("value_json.online"),
            deviceClass: "connectivity")
        add(
            "status", .sensor, "Status", template: "{{ value_json.status }}", deviceClass: "enum",
            options: DeviceStatus.allCases.map(\.rawValue).sorted())
        add("last_seen", .sensor, "Last seen", template: "{{ value_json.last_beat }}", deviceClass: "timestamp")
        add(
            "uptime_24h", .sensor, "Uptime 24h", template: "{{ value_json.uptime_24h }}", stateClass: "measurement",
            unit: "%", icon: "mdi:percent")
        add(
            "uptime_7d", .sensor, "Uptime 7d", template: "{{ value_json.uptime_7d }}", stateClass: "measurement",
            unit: "%", icon: "mdi:percent")
        add(
            "last_outage_cause", .sensor, "Last outage cause", template: "{{ value_json.last_outage_cause }}",
            icon: "mdi:flash-alert")
        if v.health?.tempC != nil {
            add(
                "temperature", .sensor, "Temperature", template: "{{ value_json.temperature_c }}",
                deviceClass: "temperature", stateClass: "measurement", unit: "°C", category: "diagnostic")
        }
        add(
            "power", .binarySensor, "Power problem", template: Self.onOff("value_json.power_warning"),
            deviceClass: "problem", category: "diagnostic")
        add(
            "storage", .binarySensor, "Storage problem", template: Self.onOff("value_json.storage_warning"),
            deviceClass: "problem", category: "diagnostic")
        let config = DiscoveryConfig(
            device: .init(
                identifiers: ["downtimemon_\(id)"], name: v.name, model: "DowntimeMon agent", swVersion: v.agentVersion,
                configurationURL: pageURL.map { "\($0)/devices/\(v.name)" },
                suggestedArea: v.site == SiteName.defaultName ? nil : v.site),
            origin: .init(swVersion: collectorVersion), components: components,
            stateTopic: topics.deviceState(v.name), availability: [.init(topic: topics.status)])
        return MQTTMessage(topic: MQTTTopics.discovery(prefix: prefix, objectID: id), payload: Self.json(config))
    }

    /// A UPS as a device of its own: `Mains power` (device class `power`: on while on mains, off on battery, the
    /// inverse of "on battery") and its charge.
    func config(_ ups: UPSState) -> MQTTMessage? {
        guard let prefix = discoveryPrefix else { return nil }
        let id = "ups_" + MQTTTopics.level(ups.name).lowercased()
        let components: [String: DiscoveryConfig.Component] = [
            "mains": .init(
                platform: .binarySensor, name: "Mains power", uniqueID: "downtimemon_\(id)_mains",
                defaultEntityID: "binary_sensor.\(id)_mains", deviceClass: "power",
                valueTemplate: "{{ 'OFF' if value_json.on_battery else 'ON' }}"),
            "charge": .init(
                platform: .sensor, name: "Charge", uniqueID: "downtimemon_\(id)_charge",
                defaultEntityID: "sensor.\(id)_charge", deviceClass: "battery", stateClass: "measurement",
                unitOfMeasurement: "%", valueTemplate: "{{ value_json.charge_percent }}"),
        ]
        let config = DiscoveryConfig(
            device: .init(identifiers: ["downtimemon_\(id)"], name: ups.name, model: "UPS (NUT)"),
            origin: .init(swVersion: collectorVersion), components: components,
            stateTopic: topics.upsState(ups.name), availability: [.init(topic: topics.status)])
        return MQTTMessage(topic: MQTTTopics.discovery(prefix: prefix, objectID: id), payload: Self.json(config))
    }

    /// A binary sensor's template: ON when the field is truthy (true, or a storage state that is not null).
    static func onOff(_ field: String) -> String { "{{ 'ON' if \(field) else 'OFF' }}" }

    static func json(_ value: some Encodable) -> [UInt8] {
        (try? WireCoding.encode(value)) ?? Array("{}".utf8)
    }
}
