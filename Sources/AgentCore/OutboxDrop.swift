import DowntimeProtocol
import Glibc

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Events another process of the device puts in the state folder for the running agent (`downtime-agent
/// maintenance`): the agent owns `outbox/` and its numbering, so they go to `outbox-drop/`, one file per event named
/// by its id, and the agent moves them into its outbox. A crash between the two sends an event twice at most, and the
/// collector stores it once by its id.
public struct OutboxDrop {
    public static let folderName = "outbox-drop"
    public let directory: String
    let fs: any FileSystem

    public init(stateDir: String, fs: any FileSystem = PosixFileSystem()) {
        directory = stateDir + "/" + Self.folderName
        self.fs = fs
    }

    func path(_ id: UUID) -> String { directory + "/" + id.wireString + ".json" }

    /// Writes an event durably (temp + fsync + rename); the file is made the state folder's owner's, so that an
    /// agent running as another user (systemd's DynamicUser=) can take it.
    public func put(_ event: Event, bootID: String, uptime: Double, owner: (uid: uid_t, gid: gid_t)? = nil)
        throws(FileError)
    {
        try fs.makeDirectory(directory, mode: 0o700)
        let entry = Outbox.Entry(seq: 0, event: event, bootID: bootID, uptime: uptime, size: 0)
        try fs.writeAtomically(Outbox.encode(entry), to: path(event.id), mode: 0o600)
        if let owner {
            _ = chown(directory, owner.uid, owner.gid)
            _ = chown(path(event.id), owner.uid, owner.gid)
        }
    }

    /// Removes an event the collector took (it may be gone already: the agent moved it).
    public func remove(_ id: UUID) {
        try? fs.remove(path(id), sync: true)
    }

    /// Moves the events waiting here into `outbox`, oldest first; nothing when there are none. A file that cannot be
    /// read stays for the next try.
    func adopt(into outbox: Outbox) throws(FileError) {
        guard let names = try? fs.list(directory) else { return }
        var found: [(name: String, entry: Outbox.Entry)] = []
        for name in names where name.hasSuffix(".json") {
            guard let bytes = try? fs.read(directory + "/" + name), let entry = Outbox.decode(bytes) else { continue }
            found.append((name, entry))
        }
        for (name, entry) in found.sorted(by: { $0.entry.event.at < $1.entry.event.at }) {
            if !outbox.entries.contains(where: { $0.event.id == entry.event.id }) {
                try outbox.enqueue(entry.event, bootID: entry.bootID, uptime: entry.uptime)
            }
            try fs.remove(directory + "/" + name, sync: true)
        }
    }
}
