import ArgumentParser
import CollectorCore
import Foundation

/// `migrate-store`: a SQLite store copied into an empty PostgreSQL database.
struct MigrateStore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-store",
        abstract: "Copy every row of a SQLite store into an empty PostgreSQL database, then compare the counts.",
        discussion:
            "Stop the collector first. Example: downtime-collector migrate-store --from sqlite:/var/lib/downtime-collector/downtime.sqlite "
            + "--to postgres://downtime:secret@db.lan:5432/downtime")
    @Option(help: "The SQLite store: sqlite:PATH.") var from: String
    @Option(help: "The PostgreSQL database: postgres://user:password@host:port/db (must be empty).") var to: String

    func run() async throws {
        try await cli {
            guard case .sqlite(let path) = try StoreLocation(from, key: "--from") else {
                throw ConfigError(key: "--from", message: "expected sqlite:PATH")
            }
            guard case .postgres(let url) = try StoreLocation(to, key: "--to") else {
                throw ConfigError(key: "--to", message: "expected postgres://user:password@host:port/database")
            }
            guard FileManager.default.fileExists(atPath: path) else {
                throw ConfigError(key: "--from", message: "no such file \(path)")
            }
            let source = try SQLiteStore(path: path)
            // One transaction copies everything: a big store takes long, and nothing else waits on it.
            let target = try await PostgresStore.open(url, timeout: 3600)
            do {
                let counts = try await StoreMigration.copy(from: source, to: target)
                print("Copied \(path) to \(url):")
                for count in counts { print("  \(count.table)\t\(count.rows) rows (same in both)") }
            } catch let failure as StoreMigration.Failure {
                throw ConfigError(key: "migrate-store", message: failure.description)
            }
        }
    }
}
