#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The heartbeat's optional `storage` field: sent only while the agent cannot write its state folder,
/// so a healthy agent's beat is byte for byte what older collectors know.
public struct StorageWarning: Codable, Sendable, Hashable {
    /// Never `ok`: a healthy folder sends no field at all.
    public var state: StorageState
    /// The folder (or file) that failed.
    public var path: String
    /// When the agent first saw it fail (its wall clock).
    public var since: Date
    /// Events the agent holds in memory only: lost if it restarts before the folder is writable.
    public var unsavedEvents: Int
    /// The system's words for the failure, e.g. "Read-only file system".
    public var error: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case state, path, since, error
        case unsavedEvents = "unsaved_events"
    }

    public init(state: StorageState, path: String, since: Date, unsavedEvents: Int, error: String? = nil) {
        self.state = state
        self.path = path
        self.since = since
        self.unsavedEvents = unsavedEvents
        self.error = error
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(Set(CodingKeys.allCases.map(\.rawValue)))
        let values = try decoder.container(keyedBy: CodingKeys.self)
        func field(_ k: CodingKeys) -> String { WireCoding.path(decoder.codingPath + [k]) }
        state = try values.decode(StorageState.self, forKey: .state)
        guard state != .ok else {
            throw WireValidationError(field: field(.state), "must not be ok (leave storage out instead)")
        }
        path = try Check.text(values.decode(String.self, forKey: .path), field: field(.path), max: 1024)
        since = try values.decode(Date.self, forKey: .since)
        unsavedEvents = Int(
            try Check.integer(
                values, .unsavedEvents, field: field(.unsavedEvents),
                range: 0...1_000_000_000))
        // Absent, never null: the schema allows a string only.
        error =
            values.contains(.error)
            ? try Check.text(values.decode(String.self, forKey: .error), field: field(.error), max: 200) : nil
    }
}
