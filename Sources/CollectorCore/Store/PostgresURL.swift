import Foundation
import NIOSSL

/// Where a PostgreSQL database is: parsed from `postgres://user:pass@host:port/db[?sslmode=...]`.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    /// As libpq's `sslmode`: without it, no TLS (a loopback or LAN server usually has none).
    public var sslMode: SSLMode
    /// PEM file of the CAs to trust (`sslrootcert`); nil is the system's store.
    public var sslRootCert: String?

    /// libpq's modes; `prefer` and `allow` try TLS without insisting, which only `require` and up do.
    public enum SSLMode: String, Sendable, Equatable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    /// Parses a URL; the error says what is wrong without echoing the password.
    public init(_ text: String) throws {
        func bad(_ why: String) -> ConfigError { ConfigError(key: "--database", message: why) }
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://"),
            let c = URLComponents(string: text)
        else { throw bad("expected postgres://user:password@host:port/database") }
        guard let host = c.host, !host.isEmpty else { throw bad("the URL has no host") }
        guard let user = c.user, !user.isEmpty else { throw bad("the URL has no user name") }
        let db = c.path.hasPrefix("/") ? String(c.path.dropFirst()) : c.path
        guard !db.isEmpty, !db.contains("/") else { throw bad("the URL has no database name (…/database)") }
        if let p = c.port, !(1...65535).contains(p) { throw bad("port must be from 1 to 65535") }
        var mode = SSLMode.disable
        var rootCert: String?
        for item in c.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                guard let m = SSLMode(rawValue: value) else {
                    throw bad(
                        "sslmode=\(value) is not one of " + SSLMode.allCases.map(\.rawValue).joined(separator: ", "))
                }
                mode = m
            case "sslrootcert":
                guard !value.isEmpty, FileManager.default.isReadableFile(atPath: value) else {
                    throw bad("sslrootcert: cannot read \(value)")
                }
                rootCert = value
            default: throw bad("unknown URL option \(item.name)=\(value); known: sslmode, sslrootcert")
            }
        }
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        self.port = c.port ?? 5432
        self.user = c.user?.removingPercentEncoding ?? user
        self.password = c.password?.removingPercentEncoding
        self.database = db.removingPercentEncoding ?? db
        // As libpq: a root certificate given turns `require` into `verify-ca`.
        self.sslMode = mode == .require && rootCert != nil ? .verifyCA : mode
        self.sslRootCert = rootCert
    }

    /// TLS is mandatory: a server without it is refused.
    public var requireTLS: Bool { [.require, .verifyCA, .verifyFull].contains(sslMode) }

    /// The client TLS settings for this mode; nil when TLS is off.
    public var tlsConfiguration: TLSConfiguration? {
        var config = TLSConfiguration.makeClientConfiguration()
        switch sslMode {
        case .disable, .allow: return nil
        case .prefer, .require: config.certificateVerification = .none
        case .verifyCA: config.certificateVerification = .noHostnameVerification
        case .verifyFull: config.certificateVerification = .fullVerification
        }
        if let sslRootCert { config.trustRoots = .file(sslRootCert) }
        return config
    }

    /// True for the URLs this type reads (anything else names a SQLite file).
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// The URL without its password, for messages and logs.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }
}
