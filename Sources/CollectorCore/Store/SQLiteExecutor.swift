import Foundation
import GRDB

/// SQLite's connection for `SQLStore`: a GRDB pool whose writer takes one of this store's transactions at a time
/// (`WriteTurns`): BEGIN IMMEDIATE, each statement, then COMMIT, each an access to the writer.
struct SQLiteExecutor: SQLExecutor {
    let pool: DatabasePool
    private let writes = WriteTurns()

    init(pool: DatabasePool) { self.pool = pool }

    var dialect: SQLDialect { .sqlite }

    /// `long` is PostgreSQL's: SQLite's calls have no deadline.
    func statements<T: Sendable>(long: Bool, _ body: @escaping @Sendable (SQLiteConnection) async throws -> T)
        async throws -> T
    {
        try await body(SQLiteConnection(pool: pool, scope: .ownTransactions(writes)))
    }

    func transaction<T: Sendable>(long: Bool, _ body: @escaping @Sendable (SQLiteConnection) async throws -> T)
        async throws -> T
    {
        try await writes.take {
            try await pool.writeWithoutTransaction { db in
                // A rollback that failed (an I/O error) left its transaction open: it ends now.
                if db.isInsideTransaction { try db.rollback() }
                try db.beginTransaction(.immediate)
            }
            do {
                let result = try await body(SQLiteConnection(pool: pool, scope: .openTransaction))
                try await pool.writeWithoutTransaction { db in try db.commit() }
                return result
            } catch {
                await rollBack()
                throw error
            }
        }
    }

    /// Rolls the open transaction back (if SQLite has not already), even for a cancelled task: GRDB refuses a
    /// cancelled task's access, so an unstructured task does it, and the turn waits for it.
    private func rollBack() async {
        let pool = pool
        await Task { try? await pool.writeWithoutTransaction { db in try db.rollback() } }.value
    }

    func changeMark() async throws -> Int {
        // data_version moves only for commits made by other connections, e.g. the CLI's.
        try await pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
    }
}

/// Statements on the pool, in one of two scopes.
struct SQLiteConnection: SQLConnection {
    enum Scope: Sendable {
        /// A query on a reader, a write in a transaction of its own, in its turn.
        case ownTransactions(WriteTurns)
        /// Every statement on the writer, in the transaction the executor opened (its turn held).
        case openTransaction
    }
    let pool: DatabasePool
    let scope: Scope

    @discardableResult
    func execute(_ sql: String, _ values: [StoreValue]) async throws -> Int {
        try await write { db in
            try db.cachedStatement(sql: sql).execute(arguments: values.arguments)
            return db.changesCount
        }
    }

    @discardableResult
    func executeBatch(_ sql: String, _ rows: [[StoreValue]]) async throws -> Int {
        try await write { db in
            let statement = try db.cachedStatement(sql: sql)
            var changed = 0
            for row in rows {
                try statement.execute(arguments: row.arguments)
                changed += db.changesCount
            }
            return changed
        }
    }

    func insert(_ sql: String, _ values: [StoreValue]) async throws -> Int64 {
        try await write { db in
            try db.cachedStatement(sql: sql).execute(arguments: values.arguments)
            return db.lastInsertedRowID
        }
    }

    func query<T: Sendable>(
        _ sql: String, _ values: [StoreValue], _ row: @escaping @Sendable (any StoreRow) throws -> T?
    ) async throws -> [T] {
        let read: @Sendable (Database) throws -> [T] = { db in
            var out: [T] = []
            let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: values.arguments)
            while let next = try rows.next() {
                if let value = try row(next) { out.append(value) }
            }
            return out
        }
        switch scope {
        case .ownTransactions: return try await pool.read(read)
        // The writer sees what the transaction wrote so far.
        case .openTransaction: return try await pool.writeWithoutTransaction(read)
        }
    }

    private func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        switch scope {
        case .ownTransactions(let writes): try await writes.take { try await pool.write(body) }
        case .openTransaction: try await pool.writeWithoutTransaction(body)
        }
    }
}

extension [StoreValue] {
    /// The values as SQLite keeps them: a UUID as its text, a Bool as 0/1 (GRDB's).
    fileprivate var arguments: StatementArguments {
        StatementArguments(
            map { value -> (any DatabaseValueConvertible)? in
                switch value {
                case .int(let v): v
                case .double(let v): v
                case .text(let v): v
                case .bool(let v): v
                case .blob(let v): v
                case .uuid(let v): v.uuidString
                }
            })
    }
}

extension Row: StoreRow {
    func string(_ column: String) -> String? { self[column] }
    func double(_ column: String) -> Double? { self[column] }
    func int(_ column: String) -> Int64? { self[column] }
    func bool(_ column: String) -> Bool? { self[column] }
    func data(_ column: String) -> Data? { self[column] }
}
