import HummingbirdBcrypt
import NIOPosix

/// The admin password: kept only as a bcrypt hash (hummingbird-auth's), checked off the request threads.
public enum AdminPassword {
    /// bcrypt reads at most 72 bytes; a longer password would be silently cut, so it is refused.
    public static let maxBytes = 72
    public static let minCharacters = 8

    /// Why a new password was refused.
    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        case missing
        case mismatch
        case tooShort
        case tooLong

        public var description: String {
            switch self {
            case .missing: "give the new password twice on standard input, one line each"
            case .mismatch: "the two passwords differ"
            case .tooShort: "the password must be at least \(AdminPassword.minCharacters) characters"
            case .tooLong: "the password must be at most \(AdminPassword.maxBytes) bytes (bcrypt reads no more)"
            }
        }
    }

    /// The new password from its two entries (a trailing CR of a CRLF line dropped).
    public static func confirmed(_ first: String?, _ second: String?) throws(Refusal) -> String {
        guard var first, var second else { throw .missing }
        if first.hasSuffix("\r") { first.removeLast() }
        if second.hasSuffix("\r") { second.removeLast() }
        guard first == second else { throw .mismatch }
        guard first.count >= minCharacters else { throw .tooShort }
        guard first.utf8.count <= maxBytes else { throw .tooLong }
        return first
    }

    /// A bcrypt hash that hummingbird-auth verifies (`$2b$12$` or `$2a$`, then 53 characters of bcrypt base64).
    public static func isBcryptHash(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 60, bytes[0] == UInt8(ascii: "$"), bytes[1] == UInt8(ascii: "2"),
            bytes[2] == UInt8(ascii: "a") || bytes[2] == UInt8(ascii: "b"),
            bytes[3] == UInt8(ascii: "$"), bytes[6] == UInt8(ascii: "$"),
            let cost = Int(String(decoding: bytes[4...5], as: UTF8.self)), (4...31).contains(cost)
        else { return false }
        return bytes[7...].allSatisfy { b in
            b == UInt8(ascii: ".") || b == UInt8(ascii: "/") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b)
                || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(b)
        }
    }

    /// The bcrypt hash of `password` (cost 12 by default: about a quarter second on a Pi 4).
    public static func hash(_ password: String, cost: UInt8 = 12) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    /// Whether `password` matches `hash`; on NIO's thread pool, since bcrypt is slow on purpose.
    public static func verify(_ password: String, hash: String) async throws -> Bool {
        guard password.utf8.count <= maxBytes else { return false }
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }
}
