import Glibc

/// Small POSIX file helpers; everything that must survive a power cut goes through `writeAtomically`.
public enum FileIO {
    /// Reads a whole file; nil when it does not exist, throws on any other failure.
    public static func read(_ path: String) throws(FileError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw FileError("open", path)
        }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let bytesRead = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if bytesRead < 0 {
                if errno == EINTR { continue }
                throw FileError("read", path)
            }
            if bytesRead == 0 { return out }
            out.append(contentsOf: chunk[0..<bytesRead])
        }
    }

    /// Replaces `path` with `bytes` so that a crash at any point leaves either the old or the new
    /// content: temp file, fsync, rename, fsync the folder.
    public static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws(FileError) {
        let tmp = path + ".tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        if fd < 0 { throw FileError("create", tmp) }
        var failure: FileError?
        var written = 0
        while written < bytes.count {
            let bytesWritten = bytes.withUnsafeBytes { raw in
                raw.baseAddress.map { write(fd, $0 + written, raw.count - written) } ?? 0
            }
            if bytesWritten < 0 {
                if errno == EINTR { continue }
                failure = FileError("write", tmp)
                break
            }
            written += bytesWritten
        }
        // A reused temp file keeps its old mode: set it explicitly (the token must stay 0600).
        if failure == nil, fchmod(fd, mode) != 0 { failure = FileError("chmod", tmp) }
        if failure == nil, fsync(fd) != 0 { failure = FileError("fsync", tmp) }
        close(fd)
        if let failure {
            unlink(tmp)
            throw failure
        }
        if rename(tmp, path) != 0 {
            let renameError = FileError("rename", tmp)
            unlink(tmp)
            throw renameError
        }
        try syncDirectory(of: path)
    }

    /// Removes a file (a missing file is fine) and makes the removal durable.
    public static func remove(_ path: String, sync: Bool = true) throws(FileError) {
        if unlink(path) != 0, errno != ENOENT { throw FileError("unlink", path) }
        if sync { try syncDirectory(of: path) }
    }

    /// fsync on the folder holding `path`: makes a rename or unlink survive a power cut.
    public static func syncDirectory(of path: String) throws(FileError) {
        let dir = directory(of: path)
        let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 { throw FileError("open", dir) }
        defer { close(fd) }
        if fsync(fd) != 0 { throw FileError("fsync", dir) }
    }

    /// Creates a folder (and its parents) if needed.
    public static func makeDirectory(_ path: String, mode: mode_t = 0o755) throws(FileError) {
        var built = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            built += "/" + part
            if mkdir(built, mode) != 0, errno != EEXIST { throw FileError("mkdir", built) }
        }
        var st = stat()
        guard stat(path, &st) == 0 else { throw FileError("stat", path) }
        guard (st.st_mode & S_IFMT) == S_IFDIR else { throw FileError("mkdir", path, code: ENOTDIR) }
    }

    /// Names in a folder, without `.` and `..`.
    public static func list(_ path: String) throws(FileError) -> [String] {
        guard let dir = opendir(path) else { throw FileError("opendir", path) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }

    public static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// Size in bytes, or nil when the file is missing.
    public static func size(_ path: String) -> Int? {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : nil
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }
}
