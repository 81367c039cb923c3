import Foundation

/// The tz database's own abbreviations of a zone ("CET", "CEST", "EST", "IST"), read from its TZif file
/// (RFC 8536): Foundation on Linux names them "GMT+1". Keyed by UTC offset and daylight saving, the way a
/// moment's abbreviation is found from Foundation's offset for it.
struct ZoneAbbreviations: Sendable, Equatable {
    struct Kind: Hashable, Sendable {
        var offset: Int
        var dst: Bool
    }
    var names: [Kind: String] = [:]

    /// The abbreviations of zone `identifier` from the tz database under `zoneinfo` (empty when unreadable).
    static func load(_ identifier: String, zoneinfo: String = "/usr/share/zoneinfo") -> ZoneAbbreviations {
        guard !identifier.contains(".."), let data = FileManager.default.contents(atPath: "\(zoneinfo)/\(identifier)")
        else { return ZoneAbbreviations() }
        return parse(Array(data)) ?? ZoneAbbreviations()
    }

    /// Reads the local time types of a TZif file: its version 2+ block when there is one (64-bit times), else
    /// version 1's. Later types win for the same offset and daylight saving (the current names come last).
    static func parse(_ b: [UInt8]) -> ZoneAbbreviations? {
        func u32(_ i: Int) -> Int? {
            guard i + 4 <= b.count else { return nil }
            return Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
        }
        /// The counts of a header at `h`: isut, isstd, leap, time, type, char.
        func header(at h: Int) -> [Int]? {
            guard h + 44 <= b.count, b[h..<h + 4].elementsEqual("TZif".utf8) else { return nil }
            let c = (0..<6).compactMap { u32(h + 20 + 4 * $0) }
            return c.count == 6 ? c : nil
        }
        guard let v1 = header(at: 0) else { return nil }
        var start = 0
        var counts = v1
        var timeSize = 4
        if b[4] >= UInt8(ascii: "2") {
            let v1Size = v1[3] * 5 + v1[4] * 6 + v1[5] + v1[2] * 8 + v1[1] + v1[0]
            if let v2 = header(at: 44 + v1Size) {
                start = 44 + v1Size
                counts = v2
                timeSize = 8
            }
        }
        let (leap, times, types, chars) = (counts[2], counts[3], counts[4], counts[5])
        let typesAt = start + 44 + times * timeSize + times
        let charsAt = typesAt + types * 6
        guard charsAt + chars <= b.count, leap >= 0 else { return nil }
        var out = ZoneAbbreviations()
        for t in 0..<types {
            let at = typesAt + t * 6
            guard let raw = u32(at) else { return nil }
            let offset = raw >= 1 << 31 ? raw - (1 << 32) : raw
            let index = Int(b[at + 5])
            guard index < chars else { continue }
            let from = charsAt + index
            let end = b[from..<charsAt + chars].firstIndex(of: 0) ?? charsAt + chars
            out.names[Kind(offset: offset, dst: b[at + 4] != 0)] = String(decoding: b[from..<end], as: UTF8.self)
        }
        return out
    }
}
