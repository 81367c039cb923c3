import CollectorCore
import CollectorRules
import Foundation
import Testing

/// A store backend the store-level tests run against: every such test runs once per backend.
enum Backend: String, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// The test server's URL (`make test` starts one: Tests/postgres/with-postgres.sh).
    static let postgresURL = ProcessInfo.processInfo.environment["DOWNTIME_TEST_POSTGRES_URL"].flatMap {
        $0.isEmpty ? nil : $0
    }
    /// Set by `make test`: a missing server is then a failure, never a skip.
    static let postgresRequired = ProcessInfo.processInfo.environment["DOWNTIME_TEST_REQUIRE_POSTGRES"] == "1"

    /// SQLite always; PostgreSQL when a server is given or required (then its absence fails each test).
    static let all: [Backend] = postgresURL != nil || postgresRequired ? [.sqlite, .postgres] : [.sqlite]

    static func requirePostgresURL() throws -> PostgresURL {
        guard let url = postgresURL else {
            throw MissingPostgres()
        }
        return try PostgresURL(url)
    }
}

struct MissingPostgres: Error, CustomStringConvertible {
    var description: String {
        "DOWNTIME_TEST_POSTGRES_URL is not set: PostgreSQL store tests cannot run (make test starts a server with Tests/postgres/with-postgres.sh)"
    }
}

/// Where a test's store lives, so that a second connection (the CLI, a restart, another collector) opens the same one.
struct StoreHandle: Sendable {
    let location: StoreLocation
    /// The PostgreSQL schema of this test (tests share one database, each in its own schema).
    let schema: String?
    /// A fresh scratch folder (the SQLite file's folder, and the data folder for other files).
    let dir: String

    /// A fresh store, opened, with devices `names` added at `createdAt` (each one's token is its name).
    static func withDevices(_ backend: Backend, _ names: [String], createdAt: Date) async throws -> (
        StoreHandle, any Store
    ) {
        let h = try fresh(backend)
        let s = try await h.open()
        for name in names {
            try await s.addDevice(DeviceRecord(name: name, tokenHash: Tokens.hash(name), createdAt: createdAt))
        }
        return (h, s)
    }

    /// A fresh, empty store: a new SQLite folder, or a new schema in the test database.
    static func fresh(_ backend: Backend) throws -> StoreHandle {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dtm-\(UUID().uuidString)").path
        switch backend {
        case .sqlite:
            return StoreHandle(
                location: .sqlite(path: (dir as NSString).appendingPathComponent("downtime.sqlite")), schema: nil,
                dir: dir)
        case .postgres:
            let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            return StoreHandle(location: .postgres(try Backend.requirePostgresURL()), schema: schema, dir: dir)
        }
    }

    /// Opens (another connection to) the store.
    func open() async throws -> any Store {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        switch location {
        case .sqlite(let path): return try SQLiteStore(path: path)
        case .postgres(let url): return try await PostgresStore.open(url, schema: schema)
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: dir) }
}

@Suite struct BackendAvailabilityTests {
    /// Visible in every run: says whether the PostgreSQL half of the suite ran.
    @Test(
        .enabled(
            if: Backend.postgresURL != nil || Backend.postgresRequired,
            "DOWNTIME_TEST_POSTGRES_URL unset: the PostgreSQL backend is NOT tested (make test runs it)"))
    func postgresServerIsReachable() async throws {
        let store = try await PostgresStore.open(try Backend.requirePostgresURL(), schema: "t_reachable")
        #expect(
            try await store.appliedMigrations() == [
                "v1", "v2-notify-cursor", "v3-event-at", "v4-flip-columns", "v5-ups-events", "v6-sites-incidents",
                "v7-depends-on", "v8-incident-mains-out", "v9-collector-records", "v10-incident-told",
                "v11-storage-warning", "v12-accounts", "v13-api-keys", "v14-status-pages",
                "v15-check-flips", "v16-notify-held", "v17-ack-snooze", "v18-device-maintenance", "v19-digest",
                "v20-quiet", "v21-jobs",
            ])
    }
}
