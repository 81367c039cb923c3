#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The heartbeat's optional `checks` field: on every beat the counts and a digest of the names and
/// states (a few dozen bytes, however many checks); the full `results` only on the beat after a change
/// and once per persist interval.
public struct CheckDigest: Codable, Sendable, Hashable {
    /// FNV-1a (32 bits, 8 hex digits) of the `name=state` lines in the agent's order.
    public var digest: String
    public var count: Int
    public var failing: Int
    public var unknown: Int
    public var results: [CheckResult]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case digest, count, failing, unknown, results
    }

    public static let maxChecks = 100

    public init(digest: String, count: Int, failing: Int, unknown: Int, results: [CheckResult]? = nil) {
        self.digest = digest
        self.count = count
        self.failing = failing
        self.unknown = unknown
        self.results = results
    }

    /// The digest and counts of `results`, with or without them.
    public init(of results: [CheckResult], full: Bool) {
        self.init(
            digest: Self.digest(results), count: results.count,
            failing: results.count { $0.state == .failing }, unknown: results.count { $0.state == .unknown },
            results: full ? results : nil)
    }

    public static func digest(_ results: [CheckResult]) -> String {
        var hash: UInt32 = 0x811c_9dc5
        for r in results {
            for byte in (r.name + "=" + r.state.rawValue + "\n").utf8 {
                hash = (hash ^ UInt32(byte)) &* 0x0100_0193
            }
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(Set(CodingKeys.allCases.map(\.rawValue)))
        let values = try decoder.container(keyedBy: CodingKeys.self)
        func field(_ k: CodingKeys) -> String { WireCoding.path(decoder.codingPath + [k]) }
        digest = try values.decode(String.self, forKey: .digest)
        guard digest.utf8.count == 8, digest.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) })
        else { throw WireValidationError(field: field(.digest), "must be 8 lower-case hex digits") }
        let range = 0...Int64(Self.maxChecks)
        count = Int(try Check.integer(values, .count, field: field(.count), range: range))
        failing = Int(try Check.integer(values, .failing, field: field(.failing), range: range))
        unknown = Int(try Check.integer(values, .unknown, field: field(.unknown), range: range))
        guard failing + unknown <= count else {
            throw WireValidationError(field: field(.count), "must be at least failing + unknown")
        }
        results = values.contains(.results) ? try values.decode([CheckResult].self, forKey: .results) : nil
        if let results {
            guard results.count == count, Set(results.map(\.name)).count == count else {
                throw WireValidationError(field: field(.results), "must hold count checks, each name once")
            }
            guard Self.digest(results) == digest, failing == results.count(where: { $0.state == .failing }),
                unknown == results.count(where: { $0.state == .unknown })
            else { throw WireValidationError(field: field(.digest), "does not match the results") }
        }
    }
}
