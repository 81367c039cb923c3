import Crypto
import Foundation

/// Device tokens: 32 random bytes shown once, kept only as a SHA-256 hash.
public enum Tokens {
    /// A new token, `dtm_` and 43 URL-safe base64 characters.
    public static func generate() -> String {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        let b64 = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return "dtm_" + b64
    }

    public static func hash(_ token: String) -> [UInt8] {
        Array(SHA256.hash(data: Data(token.utf8)))
    }

    /// Lower-case hex of bytes (hashes as the store keeps them).
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out += [digits[Int(b >> 4)], digits[Int(b & 15)]] }
        return String(decoding: out, as: UTF8.self)
    }

    /// Compares without an early exit, so the time taken says nothing about where they differ.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in a.indices { diff |= a[i] ^ b[i] }
        return diff == 0
    }

    /// The token of an `Authorization: Bearer <token>` header value, or nil.
    public static func bearer(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, isBearer(parts[0]) else { return nil }
        // Trimmed as CharacterSet.whitespaces does (tab and Unicode space separators), without the NSString
        // bridge that was 5 % of a heartbeat's CPU.
        let scalars = parts[1].unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
            let last = scalars.lastIndex(where: { !isSpace($0) })
        else { return nil }
        let token = String(scalars[first...last])
        return token.count > 256 ? nil : token
    }

    private static func isSpace(_ s: Unicode.Scalar) -> Bool {
        s == "\t" || s.properties.generalCategory == .spaceSeparator
    }

    /// `bearer` in any case (no other string lower-cases to it).
    private static func isBearer(_ word: Substring) -> Bool {
        word.utf8.count == 6 && zip(word.utf8, "bearer".utf8).allSatisfy { $0 | 0x20 == $1 }
    }
}
