import Foundation

/// A value bound to a statement, each backend binding it as its column type keeps it. A case holds nil for
/// SQL NULL, so that PostgreSQL's batches still know the column's type (see `SQLConnection.executeBatch`).
enum StoreValue: Sendable, Equatable {
    case int(Int64?)
    case double(Double?)
    case text(String?)
    /// SQLite keeps 0/1, PostgreSQL a BOOLEAN.
    case bool(Bool?)
    case blob(Data)
    /// SQLite keeps its text, PostgreSQL a UUID.
    case uuid(UUID)

    /// A time as the store keeps it: epoch seconds.
    static func time(_ date: Date?) -> StoreValue { .double(date?.timeIntervalSince1970) }

    static func integer(_ n: Int?) -> StoreValue { .int(n.map(Int64.init)) }
}
