import Foundation
import Logging
import NIOCore
import PostgresNIO

/// PostgreSQL's connection for `SQLStore`: the bounded pool (`BoundedPostgresClient`), a transaction on one of
/// its connections, and the change mark by which several collectors and the CLI see each other's changes.
struct PostgresExecutor: SQLExecutor {
    let client: BoundedPostgresClient
    let logger: Logger

    var dialect: SQLDialect { .postgres }

    func statements<T: Sendable>(long: Bool, _ body: @escaping @Sendable (PostgresSQLConnection) async throws -> T)
        async throws -> T
    {
        let timeout = long ? PostgresStore.longTimeout : nil
        return try await body(PostgresSQLConnection(target: .pool(client, timeout: timeout), logger: logger))
    }

    func transaction<T: Sendable>(long: Bool, _ body: @escaping @Sendable (PostgresSQLConnection) async throws -> T)
        async throws -> T
    {
        let logger = logger
        do {
            return try await client.withTransaction(logger: logger, timeout: long ? PostgresStore.longTimeout : nil) {
                try await body(PostgresSQLConnection(target: .transaction($0), logger: logger))
            }
        } catch let e as PostgresTransactionError {
            // The body's own error, not PostgresNIO's wrapper.
            throw e.closureError ?? e.commitError ?? e.beginError ?? e
        }
    }

    func changeMark() async throws -> Int {
        let n = try await statements { conn in
            try await conn.query("SELECT n FROM change_mark WHERE id = 1") { try $0.int("n") }
        }
        return Int(n.first ?? 0)
    }
}

/// Statements on a pooled connection each (a deadline on every one), or on the connection of a transaction.
struct PostgresSQLConnection: SQLConnection {
    enum Target: Sendable {
        case pool(BoundedPostgresClient, timeout: Double?)
        case transaction(PostgresConnection)
    }
    let target: Target
    let logger: Logger

    @discardableResult
    func execute(_ sql: String, _ values: [StoreValue]) async throws -> Int {
        try await run(PostgresQuery(unsafeSQL: sql, binds: try values.bindings())).collect().count
    }

    @discardableResult
    func executeBatch(_ sql: String, _ rows: [[StoreValue]]) async throws -> Int {
        guard !rows.isEmpty else { return 0 }
        return try await run(PostgresQuery(unsafeSQL: sql, binds: try rows.columnBindings())).collect().count
    }

    func insert(_ sql: String, _ values: [StoreValue]) async throws -> Int64 {
        try await query(sql, values) { try $0.int("id") }.first ?? 0
    }

    func query<T: Sendable>(
        _ sql: String, _ values: [StoreValue], _ row: @escaping @Sendable (any StoreRow) throws -> T?
    ) async throws -> [T] {
        var out: [T] = []
        for try await next in try await run(PostgresQuery(unsafeSQL: sql, binds: try values.bindings())) {
            if let value = try row(next.makeRandomAccess()) { out.append(value) }
        }
        return out
    }

    private func run(_ query: PostgresQuery) async throws -> PostgresRowSequence {
        switch target {
        case .pool(let client, let timeout): try await client.query(query, logger: logger, timeout: timeout)
        case .transaction(let conn): try await conn.query(query, logger: logger)
        }
    }
}

/// A batch whose column mixes types, or holds a NULL where only text may: a bug of the caller.
struct BatchColumnError: Error, CustomStringConvertible {
    var description: String { "a batch column holds a NULL or values of different types" }
}

extension [StoreValue] {
    /// The values bound one by one; NULL untyped, as PostgresNIO binds a nil.
    fileprivate func bindings() throws -> PostgresBindings {
        var b = PostgresBindings(capacity: count)
        for value in self {
            switch value {
            case .int(let v): b.append(v)
            case .double(let v): b.append(v)
            case .text(let v): b.append(v)
            case .bool(let v): b.append(v)
            case .blob(let v): try b.append(v)
            case .uuid(let v): b.append(v)
            }
        }
        return b
    }

    /// The values of one column as the array `UNNEST` takes; a NULL text is the empty text (`NULLIF` in the SQL).
    fileprivate func bindArray(to b: inout PostgresBindings) throws {
        switch first {
        case .int: b.append(try cells { if case .int(let v) = $0 { v } else { nil } })
        case .double: b.append(try cells { if case .double(let v) = $0 { v } else { nil } })
        case .text: b.append(try cells { if case .text(let v) = $0 { v ?? "" } else { nil } })
        case .bool: b.append(try cells { if case .bool(let v) = $0 { v } else { nil } })
        case .blob: b.append(try cells { if case .blob(let v) = $0 { ByteBuffer(bytes: v) } else { nil } })
        case .uuid: b.append(try cells { if case .uuid(let v) = $0 { v } else { nil } })
        case nil: throw BatchColumnError()
        }
    }

    private func cells<T>(_ cell: (StoreValue) -> T?) throws -> [T] {
        try map { value in
            guard let v = cell(value) else { throw BatchColumnError() }
            return v
        }
    }
}

extension [[StoreValue]] {
    /// The rows as one array per column, bound in column order.
    fileprivate func columnBindings() throws -> PostgresBindings {
        let width = first?.count ?? 0
        guard allSatisfy({ $0.count == width }) else { throw BatchColumnError() }
        var b = PostgresBindings(capacity: width)
        for column in 0..<width { try map { $0[column] }.bindArray(to: &b) }
        return b
    }
}

extension PostgresRandomAccessRow: StoreRow {
    private func cell(_ column: String) throws -> PostgresCell {
        guard contains(column) else { throw MissingColumn(column: column) }
        return self[column]
    }

    func string(_ column: String) throws -> String? { try cell(column).decode(String?.self) }
    func double(_ column: String) throws -> Double? { try cell(column).decode(Double?.self) }
    func int(_ column: String) throws -> Int64? { try cell(column).decode(Int64?.self) }
    func bool(_ column: String) throws -> Bool? { try cell(column).decode(Bool?.self) }
    func data(_ column: String) throws -> Data? { try cell(column).decode(Data?.self) }
}
