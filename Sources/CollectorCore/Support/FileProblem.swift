import Foundation

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

    /// The errno text of `code` ("No such file or directory"): the one spelling of strerror in this module.
    static func text(_ code: Int32) -> String { String(cString: strerror(code)) }
}
