import Foundation

/// A change of a UPS worth a log line and a notification.
public struct UPSEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case mainsOut = "mains_out"
        case lowBattery = "low_battery"
        case mainsBack = "mains_back"
        case replaceBattery = "replace_battery"
        case commsLost = "comms_lost"
        case commsBack = "comms_back"
    }

    /// The UPS as `name@host:port`.
    public var ups: String
    public var kind: Kind
    public var at: Date
    /// The reading that showed it; absent for a lost connection.
    public var reading: UPSReading?
    /// Why the UPS could not be read (comms lost only).
    public var reason: String?

    public init(ups: String, kind: Kind, at: Date, reading: UPSReading? = nil, reason: String? = nil) {
        self.ups = ups
        self.kind = kind
        self.at = at
        self.reading = reading
        self.reason = reason
    }

    /// The sentence a log line or notification says: "mains out; UPS on battery, 73 %, 21 min left".
    public var summary: String {
        let battery = reading.map(\.batteryText).flatMap { $0.isEmpty ? nil : $0 }
        switch kind {
        case .mainsOut: return "mains out; UPS on battery" + (battery.map { ", \($0)" } ?? "")
        case .lowBattery: return "low battery; UPS about to shut down" + (battery.map { ", \($0)" } ?? "")
        case .mainsBack: return "mains back; UPS online" + (battery.map { ", \($0)" } ?? "")
        case .replaceBattery: return "UPS says its battery needs replacing"
        case .commsLost: return "UPS not readable" + (reason.map { ": \($0)" } ?? "")
        case .commsBack: return "UPS readable again"
        }
    }
}
