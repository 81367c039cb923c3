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

    /// One sentence for a store failure at this location (a full disk, a read-only file, a lock, a server's refusal).
    public func problem(_ error: any Error) -> String {
        switch self {
        case .sqlite(let path): DataFolder.openProblem(error, path: path).description
        case .postgres(let url): "\(url): \(PostgresStore.describe(error))"
        }
    }

    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url): url.description
        }
    }

    /// Opens the store (creating or migrating its tables). Anything that stops it is a `ConfigError` naming `key`
    /// (the flag or variable the location came from) with a sentence saying why and what to do.
    public func open(key: String = "--database") async throws -> any Store {
        switch self {
        case .sqlite(let path):
            do {
                try DataFolder.prepare(forFile: path)
                do { return try SQLiteStore(path: path) } catch { throw DataFolder.openProblem(error, path: path) }
            } catch let problem as DataFolder.Problem {
                throw ConfigError(key: key, message: problem.description)
            }
        case .postgres(let url):
            do { return try await PostgresStore.open(url) } catch var e as ConfigError {
                if e.key == "--database" { e.key = key }
                throw e
            }
        }
    }
}
