import Foundation

/// An IPv4 or IPv6 network in CIDR notation (`127.0.0.1/32`, `10.0.0.0/8`, `::1/128`, `fd00::/8`); a bare address
/// is its own /32 or /128. An IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) is matched as its IPv4 address.
public struct CIDR: Sendable, Equatable, CustomStringConvertible {
    public let bytes: [UInt8]
    public let prefix: Int

    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let bytes = Self.address(String(parts[0])) else { return nil }
        let bits = bytes.count * 8
        let prefix = parts.count == 2 ? Int(parts[1]) : bits
        guard let prefix, (0...bits).contains(prefix) else { return nil }
        self.bytes = bytes
        self.prefix = prefix
    }

    public var description: String {
        (bytes.count == 4 ? bytes.map(String.init).joined(separator: ".") : "IPv6") + "/\(prefix)"
    }

    /// Whether an address (as a socket reports it) is in this network.
    public func contains(_ address: String) -> Bool {
        guard var other = Self.address(address) else { return false }
        if other.count == 16, bytes.count == 4, other[0..<10].allSatisfy({ $0 == 0 }), other[10] == 255,
            other[11] == 255
        {
            other = Array(other[12...])
        }
        guard other.count == bytes.count else { return false }
        for bit in 0..<prefix where (other[bit / 8] ^ bytes[bit / 8]) & (0x80 >> UInt8(bit % 8)) != 0 {
            return false
        }
        return true
    }

    /// The bytes of an IPv4 (4) or IPv6 (16) address, nil for anything else.
    static func address(_ text: String) -> [UInt8]? {
        text.contains(":") ? ipv6(text) : ipv4(text)
    }

    static func ipv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let bytes = parts.compactMap { p in p.count <= 3 && p.allSatisfy(\.isASCII) ? UInt8(p) : nil }
        return bytes.count == 4 ? bytes : nil
    }

    static func ipv6(_ raw: String) -> [UInt8]? {
        var text = Substring(raw)
        if text.hasPrefix("[") && text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        if let zone = text.firstIndex(of: "%") { text = text[..<zone] }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        guard let head = groups(halves[0]), let tail = halves.count == 2 ? groups(halves[1]) : [] else { return nil }
        let missing = 16 - head.count - tail.count
        guard halves.count == 2 ? missing >= 2 : missing == 0 else { return nil }
        return head + [UInt8](repeating: 0, count: missing) + tail
    }

    /// The bytes of colon-separated hex groups, the last one maybe an IPv4 address.
    private static func groups(_ text: String) -> [UInt8]? {
        if text.isEmpty { return [] }
        var out: [UInt8] = []
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        for (i, part) in parts.enumerated() {
            if i == parts.count - 1, part.contains("."), let v4 = ipv4(String(part)) {
                out += v4
            } else {
                guard (1...4).contains(part.count), let n = UInt16(part, radix: 16) else { return nil }
                out += [UInt8(n >> 8), UInt8(n & 0xff)]
            }
        }
        return out
    }
}
