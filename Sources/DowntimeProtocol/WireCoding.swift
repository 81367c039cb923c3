#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

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
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: some Collection<UInt8>)
        throws(WireValidationError) -> T
    {
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

extension Decoder {
    /// Refuses keys outside `allowed`: strict JSON means a typo is an error, not silence.
    func rejectUnknownKeys(_ allowed: Set<String>) throws {
        let keyed = try container(keyedBy: AnyKey.self)
        // Sorted, so the same body always names the same field.
        if let unknown = keyed.allKeys.map(\.stringValue).filter({ !allowed.contains($0) }).min() {
            throw WireValidationError(
                field: WireCoding.path(codingPath + [AnyKey(stringValue: unknown)]), "unknown field")
        }
    }
}
