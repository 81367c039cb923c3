#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One service check's state as the agent reports it: `{"name","state","detail","since"}`.
public struct CheckResult: Codable, Sendable, Hashable {
    public var name: String
    public var state: CheckState
    /// The newest run's words ("HTTP 502", "exit 3: backup is 3 days old"); may be empty.
    public var detail: String
    /// When the state began (the device's wall clock).
    public var since: Date

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, state, detail, since
    }

    public static let maxDetail = 200

    public init(name: String, state: CheckState, detail: String, since: Date) {
        self.name = name
        self.state = state
        self.detail = detail
        self.since = since
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
    }
}
