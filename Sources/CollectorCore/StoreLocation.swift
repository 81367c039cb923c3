import Foundation

/// Which store a collector or the CLI opens: `sqlite:PATH` or `postgres://…`.
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresURL)

    /// Parses `postgres://…`, `postgresql://…` or `sqlite:PATH`; anything else is a `ConfigError` for `key`.
    public init(_ text: String, key: String = "--database") throws {
        if PostgresURL.isPostgres(text) {
            do { self = .postgres(try PostgresURL(text)) } catch var e as ConfigError {
                e.key = key
                throw e
            }
        } else if text.hasPrefix("sqlite:"), text.count > 7 {
            self = .sqlite(path: String(text.dropFirst(7)))
        } else {
            throw ConfigError(key: key, message: "expected postgres://user:password@host:port/database or sqlite:PATH")
        }
    }

    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url): url.description
        }
    }

    /// Opens the store (creating or migrating its tables).
    public func open() async throws -> any Store {
        switch self {
        case .sqlite(let path):
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            return try SQLiteStore(path: path)
        case .postgres(let url):
            return try await PostgresStore.open(url)
        }
    }
}

extension CollectorConfig {
    /// The configured database, or the SQLite file in the data folder.
    public var storeLocation: StoreLocation { database ?? .sqlite(path: databasePath) }

    /// Opens the configured store.
    public func openStore() async throws -> any Store {
        try await storeLocation.open()
    }
}
