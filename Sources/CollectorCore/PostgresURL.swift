import Foundation

/// Where a PostgreSQL database is: parsed from `postgres://user:pass@host:port/db[?sslmode=...]`.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    /// TLS only with `sslmode=require` (certificate checked); a loopback or LAN server usually has none.
    public var requireTLS: Bool

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
        var tls = false
        for item in c.queryItems ?? [] {
            switch (item.name, item.value ?? "") {
            case ("sslmode", "disable"), ("sslmode", "prefer"), ("sslmode", "allow"): tls = false
            case ("sslmode", "require"), ("sslmode", "verify-full"), ("sslmode", "verify-ca"): tls = true
            default: throw bad("unknown URL option \(item.name)=\(item.value ?? ""); known: sslmode=disable|require")
            }
        }
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        self.port = c.port ?? 5432
        self.user = c.user?.removingPercentEncoding ?? user
        self.password = c.password?.removingPercentEncoding
        self.database = db.removingPercentEncoding ?? db
        self.requireTLS = tls
    }

    /// True for the URLs this type reads (anything else names a SQLite file).
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// The URL without its password, for messages and logs.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }
}
