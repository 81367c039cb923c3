import Foundation

/// What one poll read from a UPS; the numbers are absent where the UPS does not report them.
public struct UPSReading: Sendable, Equatable {
    public var status: UPSStatus
    /// Percent (`battery.charge`).
    public var charge: Double?
    /// Seconds of battery left (`battery.runtime`).
    public var runtime: Double?
    /// Volts (`input.voltage`).
    public var inputVoltage: Double?

    public init(status: UPSStatus, charge: Double? = nil, runtime: Double? = nil, inputVoltage: Double? = nil) {
        self.status = status
        self.charge = charge
        self.runtime = runtime
        self.inputVoltage = inputVoltage
    }

    /// The variables a poll asks for.
    public static let variables = ["ups.status", "battery.charge", "battery.runtime", "input.voltage"]

    /// Builds a reading from `GET VAR` answers (name to value); nil without `ups.status`.
    public init?(variables: [String: String]) {
        guard let status = variables["ups.status"] else { return nil }
        func number(_ k: String) -> Double? { variables[k].flatMap { Double($0.trimmingCharacters(in: .whitespaces)) } }
        self.init(
            status: UPSStatus(parsing: status), charge: number("battery.charge"),
            runtime: number("battery.runtime"), inputVoltage: number("input.voltage"))
    }

    /// "73 %, 21 min left" or what of it is known.
    public var batteryText: String {
        var parts: [String] = []
        if let charge { parts.append("\(Int(charge.rounded())) %") }
        if let runtime { parts.append("\(Int((runtime / 60).rounded())) min left") }
        return parts.joined(separator: ", ")
    }
}
