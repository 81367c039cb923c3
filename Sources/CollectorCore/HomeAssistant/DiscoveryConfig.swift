import CollectorRules

/// Home Assistant's device-based MQTT discovery payload (`PREFIX/device/ID/config`, Home Assistant 2024.11 and
/// later): one retained config with the device, the origin, and every entity under `components`, all reading the
/// device's one state topic and available while `downtime/status` is `online`.
struct DiscoveryConfig: Encodable, Equatable {
    struct Device: Encodable, Equatable {
        var identifiers: [String]
        var name: String
        var manufacturer = "DowntimeMon"
        var model: String
        var swVersion: String?
        var configurationURL: String?
        var suggestedArea: String?

        enum CodingKeys: String, CodingKey {
            case identifiers, name, manufacturer, model
            case swVersion = "sw_version"
            case configurationURL = "configuration_url"
            case suggestedArea = "suggested_area"
        }
    }

    struct Origin: Encodable, Equatable {
        var name = "DowntimeMon"
        var swVersion: String

        enum CodingKeys: String, CodingKey {
            case name
            case swVersion = "sw_version"
        }
    }

    struct Availability: Encodable, Equatable {
        var topic: String
        var payloadAvailable = "online"
        var payloadNotAvailable = "offline"

        enum CodingKeys: String, CodingKey {
            case topic
            case payloadAvailable = "payload_available"
            case payloadNotAvailable = "payload_not_available"
        }
    }

    /// One entity. `platform` is Home Assistant's component (`sensor`, `binary_sensor`).
    struct Component: Encodable, Equatable {
        var platform: Platform
        var name: String
        var uniqueID: String
        /// The entity id Home Assistant gives it first (`binary_sensor.pi_kitchen_connectivity`): named after the
        /// device. Current Home Assistant's replacement of `object_id`.
        var defaultEntityID: String
        var deviceClass: String?
        var stateClass: String?
        var unitOfMeasurement: String?
        var valueTemplate: String
        var options: [String]?
        var entityCategory: String?
        var icon: String?

        enum Platform: String, Encodable, Equatable {
            case sensor
            case binarySensor = "binary_sensor"
        }

        enum CodingKeys: String, CodingKey {
            case platform, name, options, icon
            case uniqueID = "unique_id"
            case defaultEntityID = "default_entity_id"
            case deviceClass = "device_class"
            case stateClass = "state_class"
            case unitOfMeasurement = "unit_of_measurement"
            case valueTemplate = "value_template"
            case entityCategory = "entity_category"
        }
    }

    var device: Device
    var origin: Origin
    var components: [String: Component]
    var stateTopic: String
    var availability: [Availability]
    var qos = 0

    enum CodingKeys: String, CodingKey {
        case device, origin, components, availability, qos
        case stateTopic = "state_topic"
    }
}
