import Glibc

/// The file operations the agent's state folder needs: the edge where tests inject EROFS, ENOSPC or EIO.
public protocol FileSystem: Sendable {
    func read(_ path: String) throws(FileError) -> [UInt8]?
    func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t) throws(FileError)
    func remove(_ path: String, sync: Bool) throws(FileError)
    func syncDirectory(of path: String) throws(FileError)
    func makeDirectory(_ path: String, mode: mode_t) throws(FileError)
    func list(_ path: String) throws(FileError) -> [String]
}

/// The real file system, through `FileIO`.
public struct PosixFileSystem: FileSystem {
    public init() {}
    public func read(_ path: String) throws(FileError) -> [UInt8]? { try FileIO.read(path) }
    public func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t) throws(FileError) {
        try FileIO.writeAtomically(bytes, to: path, mode: mode)
    }
    public func remove(_ path: String, sync: Bool) throws(FileError) { try FileIO.remove(path, sync: sync) }
    public func syncDirectory(of path: String) throws(FileError) { try FileIO.syncDirectory(of: path) }
    public func makeDirectory(_ path: String, mode: mode_t) throws(FileError) {
        try FileIO.makeDirectory(path, mode: mode)
    }
    public func list(_ path: String) throws(FileError) -> [String] { try FileIO.list(path) }
}
