#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One outage as the collector tells it, after merging its own down period with the agent's report.
public struct OutageView: Codable, Sendable, Hashable {
    public var start: Date
    /// Absent while the outage is still going on.
    public var end: Date?
    public var durationS: Double
    public var cause: OutageCause
    /// `collector` (missed beats only), `agent` (gap detection only) or `merged`.
    public var source: String

    enum CodingKeys: String, CodingKey {
        case start, end, cause, source
        case durationS = "duration_s"
    }

    public init(start: Date, end: Date?, durationS: Double, cause: OutageCause, source: String) {
        self.start = start
        self.end = end
        self.durationS = durationS
        self.cause = cause
        self.source = source
    }
}
