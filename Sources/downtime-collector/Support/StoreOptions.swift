import ArgumentParser
import CollectorCore
import Foundation

/// Flags every command shares: where the data is and which config file to read.
struct StoreOptions: ParsableArguments {
    @Option(help: "Data folder holding downtime.sqlite (env DOWNTIME_DATA_DIR, default ./data).")
    var dataDir: String?

    @Option(help: "Config file of KEY=value lines (env DOWNTIME_CONFIG).")
    var config: String?

    @Option(
        help:
            "Database: postgres://user:password@host:port/db for several collectors, or sqlite:PATH (env DOWNTIME_DATABASE, default the data folder's downtime.sqlite)."
    )
    var database: String?

    /// Defaults < config file < environment < flags.
    func resolve(_ flags: [CollectorConfig.Key: String] = [:]) throws -> CollectorConfig {
        let env = ProcessInfo.processInfo.environment
        var layers: [CollectorConfig.Layer] = []
        if let path = config ?? env["DOWNTIME_CONFIG"] {
            let key = config != nil ? "--config" : "DOWNTIME_CONFIG"
            let text: String
            do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw ConfigError(key: key, message: "cannot read \(path): \(FileProblem.reason(error, path: path))")
            }
            layers.append(.file(try CollectorConfig.parseFile(text, name: path), path: path))
        }
        layers.append(CollectorConfig.Layer(CollectorConfig.environmentLayer(env)))
        var mine = flags
        if let dataDir { mine[.dataDir] = dataDir }
        if let database { mine[.database] = database }
        layers.append(.flags(mine))
        return try CollectorConfig.resolve(named: layers)
    }

    func openStore() async throws -> (CollectorConfig, any Store) {
        let config = try resolve()
        return (config, try await config.openStore())
    }

    /// Device and maintenance changes on the configured store.
    func admin() async throws -> DeviceAdmin {
        DeviceAdmin(store: try await openStore().1)
    }

    /// Acknowledgements, snoozes and critical marks on the configured store.
    func alerts() async throws -> AlertAdmin {
        AlertAdmin(store: try await openStore().1)
    }

    /// The users of the configured store, and the built-in admin of the configuration.
    func users() async throws -> Users {
        let (config, store) = try await openStore()
        return Users(store: store, builtInHash: config.adminPasswordHash)
    }

    /// The API keys of the configured store.
    func keys() async throws -> APIKeys { APIKeys(store: try await openStore().1) }

    /// The public status pages of the configured store.
    func statusPages() async throws -> StatusPages { StatusPages(store: try await openStore().1) }

    /// The jobs of the configured store, cron read in its zone.
    func jobs() async throws -> JobAdmin {
        let (config, store) = try await openStore()
        return JobAdmin(store: store, zone: config.localTime.zone)
    }

    /// The configured store's logs.
    func logs() async throws -> LogReader {
        LogReader(store: try await openStore().1)
    }
}
