import Foundation

extension CollectorConfig {
    /// The configured database, or the SQLite file in the data folder.
    public var storeLocation: StoreLocation { database ?? .sqlite(path: databasePath) }

    /// Opens the configured store; a failure names the flag or variable that chose it.
    public func openStore() async throws -> any Store {
        try await storeLocation.open(key: origin(database != nil ? .database : .dataDir))
    }
}
