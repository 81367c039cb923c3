import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#endif

/// The folder that holds the SQLite file: made when missing and checked writable before the store opens, so that a
/// folder that cannot be used is one sentence at start, not an error from deep inside the database library.
enum DataFolder {
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    static func prepare(forFile path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        guard !dir.isEmpty else { return }
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw Problem(
                description: "cannot create the data folder \(dir): \(FileProblem.reason(error, path: dir)); "
                    + "choose a folder the collector's user may create, or create it and give that user write access")
        }
        guard access(dir, W_OK | X_OK) == 0 else {
            let why = FileProblem.text(errno)
            throw Problem(
                description: "cannot write in the data folder \(dir): \(why); "
                    + (errno == EROFS
                        ? "it is on a read-only file system: choose another folder"
                        : "give the collector's user write access to it (chown/chmod) or choose another folder"))
        }
    }

    /// A sentence for a failure to open the SQLite file at `path`.
    static func openProblem(_ error: any Error, path: String) -> Problem {
        guard let db = error as? DatabaseError else {
            return Problem(description: "cannot open the database \(path): \(FileProblem.reason(error, path: path))")
        }
        switch db.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return Problem(
                description: "the database \(path) is locked by another process (waited 10 s); "
                    + "stop the other program holding it, or give this collector its own data folder")
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return Problem(
                description: "\(path) is not a DowntimeMon database (\(db.message ?? "not a database")); "
                    + "move it away or choose another data folder")
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM:
            return Problem(
                description: "cannot open the database \(path) for writing (\(db.message ?? "\(db.resultCode)")); "
                    + "give the collector's user write access to it and its folder")
        case .SQLITE_FULL:
            return Problem(description: "cannot open the database \(path): the disk is full; free some space")
        default:
            return Problem(description: "cannot open the database \(path): \(db.message ?? "\(db.resultCode)")")
        }
    }
}
