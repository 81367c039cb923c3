import DowntimeProtocol
import Foundation

/// `GET /api/v1/incidents`: a page of incidents, newest first, and the cursor of the next page (the last id).
public struct IncidentList: Encodable, Sendable {
    public var incidents: [Incident]
    public var next: String?

    public init(incidents: [Incident], next: String?) {
        self.incidents = incidents
        self.next = next
    }

    package enum CodingKeys: String, CodingKey { case incidents, next }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(incidents, forKey: .incidents)
        try c.encode(next, forKey: .next)
    }
}

extension Incident: Encodable {
    package enum CodingKeys: String, CodingKey {
        case id, kind, site, start, end, devices, unaffected
        case durationS = "duration_s"
        case collectorDown = "collector_down"
        case mainsOut = "mains_out"
        case ongoing
    }

    package enum MemberKeys: String, CodingKey { case name, start, end, cause, state }
    package enum MainsOutKeys: String, CodingKey { case ups, at }

    /// The wire shape (nulls written out): `duration_s` is null while a member is still down.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(kind, forKey: .kind)
        try c.encode(site, forKey: .site)
        try c.encode(start, forKey: .start)
        try c.encode(end, forKey: .end)
        try c.encode(end.map { max(0, $0.timeIntervalSince(start)) }, forKey: .durationS)
        var devices = c.nestedUnkeyedContainer(forKey: .devices)
        for m in members {
            var d = devices.nestedContainer(keyedBy: MemberKeys.self)
            try d.encode(m.device, forKey: .name)
            try d.encode(m.start, forKey: .start)
            try d.encode(m.end, forKey: .end)
            try d.encode(m.cause, forKey: .cause)
            try d.encode(m.standing, forKey: .state)
        }
        try c.encode(unaffected, forKey: .unaffected)
        try c.encode(collectorDown, forKey: .collectorDown)
        try c.encode(end == nil, forKey: .ongoing)
        if let mainsOut {
            var m = c.nestedContainer(keyedBy: MainsOutKeys.self, forKey: .mainsOut)
            try m.encode(mainsOut.ups, forKey: .ups)
            try m.encode(mainsOut.at, forKey: .at)
        } else {
            try c.encodeNil(forKey: .mainsOut)
        }
    }
}
