/// A UPS's `ups.status` value: space-separated tokens (`OL`, `OB LB`, `OL CHRG RB`...) as NUT's
/// variable reference defines them; tokens this collector does not know are kept, not dropped.
public struct UPSStatus: Sendable, Equatable {
    public enum Flag: String, Sendable, CaseIterable {
        case online = "OL"
        case onBattery = "OB"
        case lowBattery = "LB"
        case highBattery = "HB"
        case replaceBattery = "RB"
        case charging = "CHRG"
        case discharging = "DISCHRG"
        case bypass = "BYPASS"
        case calibrating = "CAL"
        case off = "OFF"
        case overloaded = "OVER"
        case trimming = "TRIM"
        case boosting = "BOOST"
        case forcedShutdown = "FSD"
    }

    public var flags: Set<Flag>
    public var unknown: [String]

    public init(flags: Set<Flag>, unknown: [String] = []) {
        self.flags = flags
        self.unknown = unknown
    }

    public init(parsing raw: String) {
        var flags = Set<Flag>()
        var unknown: [String] = []
        for token in raw.split(separator: " ") {
            if let f = Flag(rawValue: String(token)) { flags.insert(f) } else { unknown.append(String(token)) }
        }
        self.init(flags: flags, unknown: unknown)
    }

    /// On battery: the mains are out (NUT says OB; a UPS that says neither OL nor OB is not taken as on battery).
    public var onBattery: Bool { flags.contains(.onBattery) }
    public var online: Bool { flags.contains(.online) && !onBattery }
    public var lowBattery: Bool { flags.contains(.lowBattery) }
    public var replaceBattery: Bool { flags.contains(.replaceBattery) }

    /// The tokens as NUT writes them, known ones first in a fixed order.
    public var text: String {
        (Flag.allCases.filter { flags.contains($0) }.map(\.rawValue) + unknown).joined(separator: " ")
    }
}
