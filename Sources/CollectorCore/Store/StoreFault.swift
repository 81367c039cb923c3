import Foundation
import GRDB
import PostgresNIO
import _ConnectionPoolModule

/// A store that cannot serve now but may later: a full disk, an I/O error, a read-only database, a
/// PostgreSQL server out of reach. Such a request is answered 503 with `Retry-After` (the agent keeps
/// its events and retries), never 500: nothing is wrong with what the client sent.
public enum StoreFault: String, Sendable, Equatable, CaseIterable {
    case full
    case ioError = "io_error"
    case readOnly = "read_only"
    case unavailable

    /// Seconds a client is asked to wait.
    public static let retryAfter = 5

    /// The fault behind `error`, or nil for an error of another kind (a bug stays a 500).
    public static func classify(_ error: any Error) -> StoreFault? {
        if let e = error as? DatabaseError {
            switch e.resultCode {
            case .SQLITE_FULL: return .full
            case .SQLITE_IOERR, .SQLITE_CANTOPEN: return .ioError
            case .SQLITE_READONLY: return .readOnly
            case .SQLITE_BUSY, .SQLITE_LOCKED: return .unavailable
            default: return nil
            }
        }
        // No answer in time, or the pool gave up making connections: the database is away.
        if error is StoreTimeout || error is ConnectionPoolError { return .unavailable }
        if let e = error as? PostgresTransactionError {
            return (e.closureError ?? e.commitError ?? e.beginError).flatMap(classify)
        }
        if let e = error as? PSQLError {
            switch e.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed, .uncleanShutdown:
                return .unavailable
            case .server:
                let state = e.serverInfo?[.sqlState] ?? ""
                if state == "53100" { return .full }
                if state == "25006" { return .readOnly }
                if state == "58030" { return .ioError }
                // Insufficient resources, operator intervention (shutdown, starting up), connection exceptions.
                if state.hasPrefix("53") || state.hasPrefix("57P") || state.hasPrefix("08") { return .unavailable }
                return nil
            default:
                return nil
            }
        }
        return nil
    }

    /// In words, for the log and the page.
    public var label: String {
        switch self {
        case .full: "disk full"
        case .ioError: "I/O error"
        case .readOnly: "read-only"
        case .unavailable: "database unavailable"
        }
    }
}
