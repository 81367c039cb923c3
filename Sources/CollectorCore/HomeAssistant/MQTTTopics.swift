/// The topics under the configured base (docs/DESIGN.md "Home Assistant and MQTT").
struct MQTTTopics: Sendable, Equatable {
    let base: String

    /// `online` while the leading collector runs, `offline` by its last will or clean stop.
    var status: String { "\(base)/status" }
    /// The newest incident, retained.
    var incident: String { "\(base)/incident" }

    func deviceState(_ name: String) -> String { "\(base)/device/\(name)/state" }
    func upsState(_ ups: String) -> String { "\(base)/ups/\(Self.level(ups))/state" }

    /// Home Assistant's device discovery topic (one config holds all of a device's entities).
    static func discovery(prefix: String, objectID: String) -> String { "\(prefix)/device/\(objectID)/config" }

    /// Home Assistant's birth and will topic (it says `online` when it starts).
    static func homeAssistantStatus(prefix: String) -> String { "\(prefix)/status" }

    /// A UPS name (`myups@host:3493`) as one topic level and id: letters, digits, `_` and `-` only.
    static func level(_ text: String) -> String {
        String(text.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
    }
}
