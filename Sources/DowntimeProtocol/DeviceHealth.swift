#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The heartbeat's optional `health` field: the device's own power and thermal state, where it can tell
/// (a Raspberry Pi's firmware flags, the CPU temperature). Each member is absent where the device has no
/// such sensor: absent means "unknown", never "false".
public struct DeviceHealth: Codable, Sendable, Hashable {
    public var underVoltageNow: Bool?
    public var underVoltageSinceBoot: Bool?
    public var throttledNow: Bool?
    public var throttledSinceBoot: Bool?
    public var freqCappedSinceBoot: Bool?
    /// CPU temperature in degrees Celsius.
    public var tempC: Double?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case underVoltageNow = "under_voltage_now"
        case underVoltageSinceBoot = "under_voltage_since_boot"
        case throttledNow = "throttled_now"
        case throttledSinceBoot = "throttled_since_boot"
        case freqCappedSinceBoot = "freq_capped_since_boot"
        case tempC = "temp_c"
    }

    /// What a thermometer can plausibly say; anything else is a garbled file or a bad client.
    public static let tempRange = -60.0...200.0

    public init(
        underVoltageNow: Bool? = nil, underVoltageSinceBoot: Bool? = nil, throttledNow: Bool? = nil,
        throttledSinceBoot: Bool? = nil, freqCappedSinceBoot: Bool? = nil, tempC: Double? = nil
    ) {
        self.underVoltageNow = underVoltageNow
        self.underVoltageSinceBoot = underVoltageSinceBoot
        self.throttledNow = throttledNow
        self.throttledSinceBoot = throttledSinceBoot
        self.freqCappedSinceBoot = freqCappedSinceBoot
        self.tempC = tempC
    }

    /// True when no member is known (the agent then sends no field at all).
    public var isEmpty: Bool { self == DeviceHealth() }

    /// A power warning is on: under-voltage or throttling now, or either since boot.
    public var hasPowerWarning: Bool {
        underVoltageNow == true || underVoltageSinceBoot == true || throttledNow == true || throttledSinceBoot == true
    }

    /// The warnings in people's words, worst first ("under-voltage now", "throttled since boot").
    public var warnings: [String] {
        var out: [String] = []
        if underVoltageNow == true {
            out.append("under-voltage now")
        } else if underVoltageSinceBoot == true {
            out.append("under-voltage since boot")
        }
        if throttledNow == true {
            out.append("throttled now")
        } else if throttledSinceBoot == true {
            out.append("throttled since boot")
        }
        if freqCappedSinceBoot == true { out.append("frequency capped since boot") }
        return out
    }

    /// True when any power flag is known (a device with only a thermometer says nothing about power).
    public var knowsPower: Bool {
        underVoltageNow != nil || underVoltageSinceBoot != nil || throttledNow != nil || throttledSinceBoot != nil
            || freqCappedSinceBoot != nil
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(Set(CodingKeys.allCases.map(\.rawValue)))
        let values = try decoder.container(keyedBy: CodingKeys.self)
        // Absent, never null: the schema allows a boolean (or number) only.
        func flag(_ k: CodingKeys) throws -> Bool? {
            values.contains(k) ? try values.decode(Bool.self, forKey: k) : nil
        }
        underVoltageNow = try flag(.underVoltageNow)
        underVoltageSinceBoot = try flag(.underVoltageSinceBoot)
        throttledNow = try flag(.throttledNow)
        throttledSinceBoot = try flag(.throttledSinceBoot)
        freqCappedSinceBoot = try flag(.freqCappedSinceBoot)
        if values.contains(.tempC) {
            let field = WireCoding.path(decoder.codingPath + [CodingKeys.tempC])
            let temp = try values.decode(Double.self, forKey: .tempC)
            guard temp.isFinite, Self.tempRange.contains(temp) else {
                throw WireValidationError(field: field, "must be a number from -60 to 200")
            }
            tempC = temp
        }
        guard !isEmpty else {
            throw WireValidationError(
                field: WireCoding.path(decoder.codingPath),
                "must name at least one member (leave health out instead)")
        }
    }
}
