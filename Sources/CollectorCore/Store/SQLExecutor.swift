/// What a backend gives the one store (`SQLStore`): its connections, its dialect and how it serialises writes.
/// Everything else (statements, rows to records, records to values) is the store's, written once.
protocol SQLExecutor: Sendable {
    associatedtype Connection: SQLConnection

    var dialect: SQLDialect { get }

    /// Runs `body` with each statement on its own (a batch is one): reads, and writes that stand alone.
    /// `long` for the statements that may run long on a big store (retention, a full export, a copy).
    func statements<T: Sendable>(long: Bool, _ body: @escaping @Sendable (Connection) async throws -> T)
        async throws -> T

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T: Sendable>(long: Bool, _ body: @escaping @Sendable (Connection) async throws -> T)
        async throws -> T

    /// A number that moves whenever another process commits a change.
    func changeMark() async throws -> Int
}

extension SQLExecutor {
    func statements<T: Sendable>(_ body: @escaping @Sendable (Connection) async throws -> T) async throws -> T {
        try await statements(long: false, body)
    }

    func transaction<T: Sendable>(_ body: @escaping @Sendable (Connection) async throws -> T) async throws -> T {
        try await transaction(long: false, body)
    }
}

/// Statements of `StoreSQL` with their values bound in order (`?1`/`$1` from the first).
protocol SQLConnection: Sendable {
    /// Runs one statement and answers the rows it changed (PostgreSQL counts the rows `RETURNING` gives back,
    /// see `SQLDialect.returningChanged`).
    @discardableResult
    func execute(_ sql: String, _ values: [StoreValue]) async throws -> Int

    /// Runs the dialect's batch form of a statement (`StoreSQL`'s batches) for `rows`: SQLite one prepared
    /// statement per row, PostgreSQL one statement with each column bound as an array. The rows changed.
    @discardableResult
    func executeBatch(_ sql: String, _ rows: [[StoreValue]]) async throws -> Int

    /// Runs an INSERT of one row and answers its new `id` (PostgreSQL's statement says `RETURNING id`).
    func insert(_ sql: String, _ values: [StoreValue]) async throws -> Int64

    /// The rows of a query, each turned into a value by `row`; a row it answers nil for is left out.
    func query<T: Sendable>(
        _ sql: String, _ values: [StoreValue], _ row: @escaping @Sendable (any StoreRow) throws -> T?
    ) async throws -> [T]
}

extension SQLConnection {
    func query<T: Sendable>(_ sql: String, _ row: @escaping @Sendable (any StoreRow) throws -> T?) async throws
        -> [T]
    {
        try await query(sql, [], row)
    }
}
