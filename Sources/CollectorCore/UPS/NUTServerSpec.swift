import DowntimeProtocol
import Foundation

/// One NUT server to follow and the UPSes on it, from `DOWNTIME_NUT`:
/// entries separated by `;`, each `ups@host[:port] [user=NAME] [password=SECRET] [site=SITE]`; entries on the
/// same host and port share one connection. A UPS without `site=` is in the collector's site.
public struct NUTServerSpec: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var ups: [String]
    public var user: String?
    public var password: String?
    /// Per UPS on this server (by its NUT name): the site it powers, normalized (nil: the default site); a UPS
    /// missing here is in the collector's site.
    public var sites: [String: String?] = [:]

    public static let defaultPort = 3493

    public init(host: String, port: Int = defaultPort, ups: [String], user: String? = nil, password: String? = nil) {
        self.host = host
        self.port = port
        self.ups = ups
        self.user = user
        self.password = password
    }

    /// How a UPS on this server is named in logs and events: `myups@host:3493`.
    public func name(of ups: String) -> String { "\(ups)@\(host):\(port)" }

    /// The site (as shown) each UPS named as in events powers; `collectorSite` for those without `site=`.
    public static func sites(of specs: [NUTServerSpec], collectorSite: String?) -> [String: String] {
        var out: [String: String] = [:]
        for spec in specs {
            for ups in spec.ups { out[spec.name(of: ups)] = SiteName.name(spec.sites[ups] ?? collectorSite) }
        }
        return out
    }

    /// Parses the whole value; an error's message says which entry is wrong and why.
    public static func parseList(_ value: String, key: String) throws -> [NUTServerSpec] {
        var out: [NUTServerSpec] = []
        for raw in value.split(separator: ";") {
            let entry = raw.trimmingCharacters(in: .whitespaces)
            if entry.isEmpty { continue }
            let parsed = try parse(entry, key: key)
            if let index = out.firstIndex(where: { $0.host == parsed.host && $0.port == parsed.port }) {
                guard out[index].user == parsed.user && out[index].password == parsed.password else {
                    throw ConfigError(
                        key: key,
                        message: "\(entry): another entry for \(parsed.host):\(parsed.port) "
                            + "has other credentials")
                }
                guard !out[index].ups.contains(parsed.ups[0]) else {
                    throw ConfigError(key: key, message: "\(entry): named twice")
                }
                out[index].ups += parsed.ups
                out[index].sites.merge(parsed.sites) { a, _ in a }
            } else {
                out.append(parsed)
            }
        }
        guard !out.isEmpty else { throw ConfigError(key: key, message: "no UPS given; expected ups@host[:port]") }
        return out
    }

    static func parse(_ entry: String, key: String) throws -> NUTServerSpec {
        func bad(_ why: String) -> ConfigError {
            ConfigError(
                key: key,
                message: "\(entry): \(why); expected ups@host[:port] [user=NAME] [password=SECRET] [site=SITE]")
        }
        let parts = entry.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let address = parts.first, let at = address.firstIndex(of: "@") else { throw bad("no ups@host") }
        let ups = String(address[..<at])
        var hostPort = String(address[address.index(after: at)...])
        // A NUT UPS name is a plain word: it goes into requests unquoted.
        guard !ups.isEmpty, ups.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) else {
            throw bad("bad UPS name")
        }
        var port = defaultPort
        var host: String
        if hostPort.hasPrefix("[") { // [::1]:3493
            guard let close = hostPort.firstIndex(of: "]") else { throw bad("unclosed [") }
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            hostPort = String(hostPort[hostPort.index(after: close)...])
            if !hostPort.isEmpty {
                guard hostPort.hasPrefix(":"), let number = Int(hostPort.dropFirst()),
                    (1...65535).contains(number)
                else {
                    throw bad("bad port")
                }
                port = number
            }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = String(hostPort[..<colon])
            guard let number = Int(hostPort[hostPort.index(after: colon)...]), (1...65535).contains(number) else {
                throw bad("bad port")
            }
            port = number
        } else {
            host = hostPort
        }
        guard !host.isEmpty, !host.contains(where: { $0 == "/" || $0 == "@" }) else { throw bad("bad host") }
        var spec = NUTServerSpec(host: host, port: port, ups: [ups])
        for option in parts.dropFirst() {
            guard let eq = option.firstIndex(of: "=") else { throw bad("\(option) is not name=value") }
            let value = String(option[option.index(after: eq)...])
            guard !value.isEmpty else { throw bad("\(option) is empty") }
            switch option[..<eq] {
            case "user": spec.user = value
            case "password": spec.password = value
            case "site":
                guard SiteName.isValid(value) else { throw bad("bad site \(value)") }
                spec.sites[ups] = .some(SiteName.normalize(value))
            default: throw bad("unknown option \(option[..<eq])")
            }
        }
        guard (spec.user == nil) == (spec.password == nil) else { throw bad("user and password go together") }
        return spec
    }
}
