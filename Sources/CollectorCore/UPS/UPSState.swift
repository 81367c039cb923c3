import CollectorRules
import Foundation

/// What the collector knows of one UPS now, from its polls: the page, the API and `/metrics` show it.
public struct UPSState: Sendable, Equatable {
    /// The UPS as `name@host:port`.
    public var name: String
    /// The newest reading; kept while the UPS is unreadable (then it is the last one known).
    public var reading: UPSReading?
    /// nil until this collector has polled it (before the first poll, or while another collector leads).
    public var readable: Bool?
    /// Why it is not readable.
    public var reason: String?
    /// Since when it is in the state shown: its status text, or readable or not.
    public var since: Date?

    public init(name: String) { self.name = name }

    /// Said of a UPS this collector has not polled: before its first poll, or while another collector leads.
    public static let notReadYet = "not read yet by this collector"

    /// On battery now, as far as the newest reading says (never while unreadable).
    public var onBattery: Bool { readable == true && reading?.status.onBattery == true }

    /// Takes one poll's outcome at `at`.
    public mutating func observe(_ outcome: UPSTracker.Outcome, at: Date) {
        switch outcome {
        case .reading(let r):
            if readable != true || reading?.status != r.status { since = at }
            reading = r
            readable = true
            reason = nil
        case .unreadable(let why):
            if readable != false { since = at }
            readable = false
            reason = why
        }
    }

    /// "on battery, 73 %, 21 min left", "online, 100 %", "not readable", "not read yet by this collector".
    public var words: String {
        switch readable {
        case nil: return Self.notReadYet
        case false?: return "not readable"
        case true?:
            guard let reading else { return "online" }
            let status = reading.status
            var what = status.onBattery ? "on battery" : status.online ? "online" : "status \(status.text)"
            if status.lowBattery { what += ", low battery" }
            if status.replaceBattery { what += ", battery needs replacing" }
            let battery = reading.batteryText
            return battery.isEmpty ? what : "\(what), \(battery)"
        }
    }
}
