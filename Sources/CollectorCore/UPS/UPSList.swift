import CollectorRules
import DowntimeProtocol
import Foundation

/// `GET /api/v1/ups`: every configured UPS, its state now and its newest events.
public struct UPSList: Encodable, Sendable, Equatable {
    public struct Event: Encodable, Sendable, Equatable {
        /// In lower case, as the devices' event ids (RFC 9562).
        public var id: String
        public var kind: String
        public var at: Date
        public var status: String?
        public var charge: Double?
        public var runtimeS: Double?
        public var reason: String?
        /// The sentence the log and the notifications say.
        public var summary: String

        enum CodingKeys: String, CodingKey {
            case id, kind, at, status, charge, reason, summary
            case runtimeS = "runtime_s"
        }

        init(_ e: StoredUPSEvent) {
            self.init(
                id: e.id.wireString, kind: e.kind.rawValue, at: e.at, status: e.status, charge: e.charge,
                runtimeS: e.runtime,
                reason: e.reason, summary: e.event.summary)
        }

        init(
            id: String, kind: String, at: Date, status: String?, charge: Double?, runtimeS: Double?, reason: String?,
            summary: String
        ) {
            self.id = id
            self.kind = kind
            self.at = at
            self.status = status
            self.charge = charge
            self.runtimeS = runtimeS
            self.reason = reason
            self.summary = summary
        }
    }

    public struct UPS: Encodable, Sendable, Equatable {
        public var name: String
        /// `ups.status` of the newest reading (the last known one while unreadable).
        public var status: String?
        public var onBattery: Bool
        public var charge: Double?
        public var runtimeS: Double?
        /// True when this collector's newest poll read it.
        public var readable: Bool
        /// Why it is not readable (or not read yet: before the first poll, or while another collector leads).
        public var reason: String?
        public var since: Date?
        public var events: [Event]

        enum CodingKeys: String, CodingKey {
            case name, status, charge, readable, reason, since, events
            case onBattery = "on_battery"
            case runtimeS = "runtime_s"
        }
    }

    public var ups: [UPS]

    /// How many events each UPS lists.
    public static let eventLimit = 20

    public init(_ overview: [(state: UPSState, events: [StoredUPSEvent])]) {
        ups = overview.map { s, events in
            UPS(
                name: s.name, status: s.reading?.status.text, onBattery: s.onBattery, charge: s.reading?.charge,
                runtimeS: s.reading?.runtime, readable: s.readable == true,
                reason: s.readable == nil ? UPSState.notReadYet : s.reason, since: s.since,
                events: events.map(Event.init))
        }
    }
}
