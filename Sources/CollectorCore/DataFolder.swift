import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#endif

/// Readable reasons for a file problem: the errno text, never the library's raw error.
public enum FileProblem {
    /// `error`'s errno text where it carries one ("Permission denied", "Read-only file system").
    public static func reason(_ error: any Error, path: String) -> String {
        if let posix = error as? POSIXError { return text(posix.code.rawValue) }
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return text(Int32(underlying.code))
        }
        if ns.domain == NSCocoaErrorDomain {
            switch CocoaError.Code(rawValue: ns.code) {
            case .fileNoSuchFile, .fileReadNoSuchFile: return text(ENOENT)
            case .fileReadNoPermission, .fileWriteNoPermission: return text(EACCES)
            case .fileWriteVolumeReadOnly: return text(EROFS)
            case .fileWriteOutOfSpace: return text(ENOSPC)
            default: break
            }
        }
        return ns.localizedDescription
    }

    static func text(_ code: Int32) -> String { String(cString: strerror(code)) }
}

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
            throw Problem(description: "cannot create the data folder \(dir): \(FileProblem.reason(error, path: dir)); "
                + "choose a folder the collector's user may create, or create it and give that user write access")
        }
        guard access(dir, W_OK | X_OK) == 0 else {
            let why = FileProblem.text(errno)
            throw Problem(description: "cannot write in the data folder \(dir): \(why); "
                + (errno == EROFS ? "it is on a read-only file system: choose another folder"
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
            return Problem(description: "the database \(path) is locked by another process (waited 10 s); "
                + "stop the other program holding it, or give this collector its own data folder")
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return Problem(description: "\(path) is not a DowntimeMon database (\(db.message ?? "not a database")); "
                + "move it away or choose another data folder")
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM:
            return Problem(description: "cannot open the database \(path) for writing (\(db.message ?? "\(db.resultCode)")); "
                + "give the collector's user write access to it and its folder")
        case .SQLITE_FULL:
            return Problem(description: "cannot open the database \(path): the disk is full; free some space")
        default:
            return Problem(description: "cannot open the database \(path): \(db.message ?? "\(db.resultCode)")")
        }
    }
}
