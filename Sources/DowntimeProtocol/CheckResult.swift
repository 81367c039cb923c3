#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One service check's state as the agent reports it: `{"name","state","detail","since"}`, and `"notify": false`
/// for a check whose failures send no message (absent means true, so older agents and collectors still agree).
public struct CheckResult: Codable, Sendable, Hashable {
    public var name: String
    public var state: CheckState
    /// The newest run's words ("HTTP 502", "exit 3: backup is 3 days old"); may be empty.
    public var detail: String
    /// When the state began (the device's wall clock).
    public var since: Date
    /// False: the collector sends no message when this check fails or recovers (the agent's `notify=no`).
    public var notify: Bool

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, state, detail, since, notify
    }

    public static let maxDetail = 200

    public init(name: String, state: CheckState, detail: String, since: Date, notify: Bool = true) {
        self.name = name
        self.state = state
        self.detail = detail
        self.since = since
        self.notify = notify
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(Set(CodingKeys.allCases.map(\.rawValue)))
        let values = try decoder.container(keyedBy: CodingKeys.self)
        func field(_ k: CodingKeys) -> String { WireCoding.path(decoder.codingPath + [k]) }
        name = try Check.deviceName(values.decode(String.self, forKey: .name), field: field(.name))
        state = try values.decode(CheckState.self, forKey: .state)
        let text = try values.decode(String.self, forKey: .detail)
        detail = text.isEmpty ? "" : try Check.text(text, field: field(.detail), max: Self.maxDetail)
        since = try values.decode(Date.self, forKey: .since)
        notify = try values.decodeIfPresent(Bool.self, forKey: .notify) ?? true
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(state, forKey: .state)
        try c.encode(detail, forKey: .detail)
        try c.encode(since, forKey: .since)
        // Only the exception goes on the wire: a collector before this field refuses unknown keys.
        if !notify { try c.encode(false, forKey: .notify) }
    }
}
