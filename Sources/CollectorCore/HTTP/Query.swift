import DowntimeProtocol
import Foundation
import Hummingbird

/// Query-string parsing with 400s that name the parameter.
enum Query {
    static func int(_ raw: String?, field: String, range: ClosedRange<Int>, default fallback: Int) throws -> Int {
        guard let raw else { return fallback }
        guard let n = Int(raw), range.contains(n) else {
            throw APIError(
                .badRequest, "\(field) must be a whole number from \(range.lowerBound) to \(range.upperBound)",
                field: field)
        }
        return n
    }

    /// An ISO 8601 time such as `2026-11-22T08:00:00Z`.
    static func time(_ raw: String?, field: String) throws -> Date? {
        guard let raw else { return nil }
        guard let d = WireTime.parse(raw) else {
            throw APIError(.badRequest, "\(field) must be an ISO 8601 time such as 2026-11-22T08:00:00Z", field: field)
        }
        return d
    }
}
