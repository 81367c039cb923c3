#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Value checks shared by the wire types.
enum Check {
    static func deviceName(_ raw: String, field: String = "device") throws -> String {
        guard let name = DeviceName.normalize(raw) else {
            throw WireValidationError(field: field, "must match \(DeviceName.rule)")
        }
        return name
    }

    /// Boot ids are the kernel's UUID text; accept hex and dashes only, so they are safe anywhere.
    static func bootID(_ raw: String, field: String = "boot_id") throws -> String {
        let ok =
            (1...64).contains(raw.utf8.count)
            && raw.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || $0 == 45 }
        guard ok else {
            throw WireValidationError(field: field, "must be a lower-case hex id with dashes (1 to 64 characters)")
        }
        return raw
    }

    static func text(_ raw: String, field: String, max: Int = 64) throws -> String {
        // Counted in code points, as the message says and as JSON Schema's maxLength counts.
        let ok =
            !raw.isEmpty && raw.unicodeScalars.count <= max
            && raw.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F }
        guard ok else { throw WireValidationError(field: field, "must be 1 to \(max) printable characters") }
        return raw
    }

    static func seconds(_ v: Double, field: String, min: Double = 0, max: Double = 3_153_600_000) throws -> Double {
        guard v.isFinite, v >= min, v <= max else {
            throw WireValidationError(field: field, "must be a number from \(Int(min)) to \(Int(max))")
        }
        return v
    }

    /// A whole number read as a JSON number (Foundation's integer decoding reports 1.5 or -1 as "invalid JSON").
    static func integer<K: CodingKey>(
        _ c: KeyedDecodingContainer<K>, _ key: K, field: String,
        range: ClosedRange<Int64> = 0...Int64(1) << 53
    ) throws -> Int64 {
        let failure = WireValidationError(
            field: field, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        // An integer literal is read exactly: as a Double, 2^53 + 1 would round into the range.
        if let exact = try? c.decode(Int64.self, forKey: key) {
            guard range.contains(exact) else { throw failure }
            return exact
        }
        let number = try c.decode(Double.self, forKey: key)
        guard number.isFinite, number.rounded() == number,
            number >= Double(range.lowerBound), number <= Double(range.upperBound)
        else { throw failure }
        return Int64(number)
    }
}
