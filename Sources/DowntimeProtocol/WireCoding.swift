#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The protocol version this module speaks; sent by agents as part of `agent_version` paths and `/api/v1`.
public enum WireProtocol {
    public static let version = 1
    public static let apiPrefix = "/api/v1"
}

/// A value on the wire that is well-formed JSON but not acceptable; `field` names the offending key path.
public struct WireValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var message: String
    public init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }
    public var description: String { "\(field): \(message)" }
}

/// JSON encoders and decoders configured for the wire format.
public enum WireCoding {
    public static func encoder() -> JSONEncoder {
        let jsonEncoder = JSONEncoder()
        jsonEncoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(WireTime.format(date))
        }
        jsonEncoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return jsonEncoder
    }

    public static func decoder() -> JSONDecoder {
        let jsonDecoder = JSONDecoder()
        jsonDecoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = WireTime.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "not an ISO 8601 time such as 2026-11-22T08:12:03Z")
            }
            guard WireTime.validRange.contains(date) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "time out of range (2020 to 2100)")
            }
            return date
        }
        return jsonDecoder
    }

    // One of each, shared: they hold only their options (and are Sendable); making them per call cost a few % of a beat.
    private static let sharedEncoder = encoder()
    private static let sharedDecoder = decoder()

    /// Encodes `value` to wire JSON bytes.
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        Array(try sharedEncoder.encode(value))
    }

    /// Decodes and validates `T` from wire JSON; errors are `WireValidationError` naming the field.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: some Collection<UInt8>) throws(WireValidationError) -> T {
        do {
            return try sharedDecoder.decode(T.self, from: Data(bytes))
        } catch let error as WireValidationError {
            throw error
        } catch let error as DecodingError {
            throw describe(error)
        } catch {
            throw WireValidationError(field: "", "invalid JSON")
        }
    }

    static func path(_ codingPath: [any CodingKey]) -> String {
        var out = ""
        for key in codingPath {
            if let index = key.intValue {
                out += "[\(index)]"
            } else {
                out += (out.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return out
    }

    static func describe(_ error: DecodingError) -> WireValidationError {
        switch error {
        case .keyNotFound(let key, let ctx):
            return WireValidationError(field: path(ctx.codingPath + [key]), "is required")
        case .typeMismatch(let type, let ctx):
            return WireValidationError(field: path(ctx.codingPath), "must be \(typeName(type))")
        case .valueNotFound(let type, let ctx):
            return WireValidationError(field: path(ctx.codingPath), "must be \(typeName(type)), not null")
        case .dataCorrupted(let ctx):
            if let underlying = ctx.underlyingError as? WireValidationError { return underlying }
            if ctx.codingPath.isEmpty { return WireValidationError(field: "", "invalid JSON") }
            return WireValidationError(field: path(ctx.codingPath), ctx.debugDescription)
        @unknown default:
            return WireValidationError(field: "", "invalid JSON")
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type, is UInt64.Type: return "an integer"
        case is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is Date.Type: return "an ISO 8601 time"
        default: return "\(type)".contains("Array") ? "an array" : "an object"
        }
    }
}

/// A coding key for any string, used to spot unknown fields.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension Decoder {
    /// Refuses keys outside `allowed`: strict JSON means a typo is an error, not silence.
    func rejectUnknownKeys(_ allowed: Set<String>) throws {
        let keyed = try container(keyedBy: AnyKey.self)
        // Sorted, so the same body always names the same field.
        if let unknown = keyed.allKeys.map(\.stringValue).filter({ !allowed.contains($0) }).min() {
            throw WireValidationError(field: WireCoding.path(codingPath + [AnyKey(stringValue: unknown)]), "unknown field")
        }
    }
}

/// Value checks shared by the wire types.
enum Check {
    static func deviceName(_ raw: String, field: String = "device") throws -> String {
        guard let name = DeviceName.normalize(raw) else {
            throw WireValidationError(field: field, "must match [a-z0-9][a-z0-9._-]{0,62}")
        }
        return name
    }

    /// Boot ids are the kernel's UUID text; accept hex and dashes only, so they are safe anywhere.
    static func bootID(_ raw: String, field: String = "boot_id") throws -> String {
        let ok = (1...64).contains(raw.utf8.count)
            && raw.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || $0 == 45 }
        guard ok else { throw WireValidationError(field: field, "must be a lower-case hex id with dashes (1 to 64 characters)") }
        return raw
    }

    static func text(_ raw: String, field: String, max: Int = 64) throws -> String {
        // Counted in code points, as the message says and as JSON Schema's maxLength counts.
        let ok = !raw.isEmpty && raw.unicodeScalars.count <= max
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
    static func integer<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K, field: String,
                                      range: ClosedRange<Int64> = 0...Int64(1) << 53) throws -> Int64 {
        let failure = WireValidationError(field: field, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        // An integer literal is read exactly: as a Double, 2^53 + 1 would round into the range.
        if let exact = try? c.decode(Int64.self, forKey: key) {
            guard range.contains(exact) else { throw failure }
            return exact
        }
        let number = try c.decode(Double.self, forKey: key)
        guard number.isFinite, number.rounded() == number,
              number >= Double(range.lowerBound), number <= Double(range.upperBound) else { throw failure }
        return Int64(number)
    }
}
