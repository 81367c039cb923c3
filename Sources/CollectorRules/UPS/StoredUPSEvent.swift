import Foundation

/// A UPS event as its log keeps it: the event's reading as text and numbers, an id that makes a repeated
/// write harmless, and its place in the log (`seq`, 0 until stored).
public struct StoredUPSEvent: Sendable, Equatable {
    public var id: UUID
    /// The UPS as `name@host:port`.
    public var ups: String
    public var kind: UPSEvent.Kind
    public var at: Date
    /// `ups.status` as NUT says it; nil when the UPS could not be read.
    public var status: String?
    public var charge: Double?
    public var runtime: Double?
    public var inputVoltage: Double?
    public var reason: String?
    public var seq: Int64

    public init(
        id: UUID = UUID(), ups: String, kind: UPSEvent.Kind, at: Date, status: String? = nil, charge: Double? = nil,
        runtime: Double? = nil, inputVoltage: Double? = nil, reason: String? = nil, seq: Int64 = 0
    ) {
        self.id = id
        self.ups = ups
        self.kind = kind
        self.at = at
        self.status = status
        self.charge = charge
        self.runtime = runtime
        self.inputVoltage = inputVoltage
        self.reason = reason
        self.seq = seq
    }

    public init(_ event: UPSEvent, id: UUID = UUID()) {
        self.init(
            id: id, ups: event.ups, kind: event.kind, at: event.at, status: event.reading?.status.text,
            charge: event.reading?.charge, runtime: event.reading?.runtime, inputVoltage: event.reading?.inputVoltage,
            reason: event.reason)
    }

    /// The event again, for its words (`summary`).
    public var event: UPSEvent {
        UPSEvent(
            ups: ups, kind: kind, at: at,
            reading: status.map {
                UPSReading(status: UPSStatus(parsing: $0), charge: charge, runtime: runtime, inputVoltage: inputVoltage)
            }, reason: reason)
    }
}
