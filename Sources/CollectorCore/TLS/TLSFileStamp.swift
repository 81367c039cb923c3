import Foundation
import NIOSSL
import Synchronization

/// What a certificate/key pair looked like on disk: a change of any part means the files were replaced.
struct TLSFileStamp: Equatable, Sendable {
    var cert: FileStamp?
    var key: FileStamp?

    struct FileStamp: Equatable, Sendable {
        var inode: UInt64
        var size: Int64
        var modifiedSeconds: Int
        var modifiedNanoseconds: Int
    }

    init(certFile: String, keyFile: String) {
        cert = Self.stamp(certFile)
        key = Self.stamp(keyFile)
    }

    static func stamp(_ path: String) -> FileStamp? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return FileStamp(
            inode: UInt64(st.st_ino), size: Int64(st.st_size), modifiedSeconds: Int(st.st_mtim.tv_sec),
            modifiedNanoseconds: Int(st.st_mtim.tv_nsec))
    }
}
