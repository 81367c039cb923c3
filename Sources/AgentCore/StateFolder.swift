import DowntimeProtocol

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The agent's state folder: the state file, the outbox and the small files beside them, and the degraded
/// mode in which they are held in memory while the folder cannot be written (DESIGN: Degraded storage).
/// A folder that cannot even be created does not stop the agent: it runs from memory and says so.
public final class StateFolder {
    public let path: String
    let fs: any FileSystem
    let log: Log
    /// The device the outbox's events are about.
    let device: String
    let stateFile: StateFile
    public let outbox: Outbox
    /// Whether the folder can be written, and when to try it again.
    public private(set) var storage: StorageMonitor
    /// A failure met while opening the folder, reported once the boot is known.
    private let openFailure: FileError?
    /// Monotonic time of the last state write, or of the last try of a failing folder.
    private(set) var lastPersist = -Double.infinity

    /// Creates the folder and opens its outbox; a failure leaves both in memory, to be tried again.
    init(path: String, device: String, retryInterval: Double, limits: OutboxLimits, log: Log, fs: any FileSystem) {
        self.path = path
        self.fs = fs
        self.log = log
        self.device = device
        storage = StorageMonitor(path: path, retryInterval: retryInterval)
        stateFile = StateFile(path: path + "/state.json", fs: fs)
        let outboxDir = path + "/outbox"
        do {
            try fs.makeDirectory(path, mode: 0o700)
            outbox = try Outbox(directory: outboxDir, limits: limits, log: log, fs: fs)
            openFailure = nil
        } catch {
            openFailure = error
            outbox = Outbox(unopened: outboxDir, limits: limits, log: log, fs: fs)
        }
    }

    public var isHealthy: Bool { storage.isHealthy }

    /// A file of the folder.
    func file(_ name: String) -> String { path + "/" + name }

    /// Says that the folder could not be opened, once there is a boot to date it in.
    func reportOpenFailure(_ now: BootSnapshot) {
        if let openFailure { failed(openFailure, now) }
    }

    /// Puts an event in the outbox: on disk, or in memory while the folder fails.
    func enqueue(_ payload: Event.Payload, at now: BootSnapshot, id: UUID = UUID()) {
        let event = Event(id: id, device: device, at: now.now, bootID: now.bootID, payload: payload)
        do {
            try outbox.enqueue(event, bootID: now.bootID, uptime: now.uptime)
        } catch {
            // The outbox kept it in memory.
            failed(error, now)
        }
    }

    /// Whether the state write is due at `monotonic`.
    func persistDue(_ policy: GapPolicy, monotonic: Double) -> Bool {
        policy.persistDue(sinceLastPersist: monotonic - lastPersist)
    }

    /// The state write; while the folder fails, `retry` writes it instead.
    func persist(_ state: AgentState, at now: BootSnapshot) {
        lastPersist = now.monotonic
        guard storage.isHealthy else { return }
        do {
            try stateFile.save(state)
        } catch {
            failed(error, now)
        }
    }

    /// Writes the state whatever the folder's mode, for the clean-stop mark.
    func writeState(_ state: AgentState) throws(FileError) {
        try stateFile.save(state)
    }

    /// A write to the folder failed: hold everything in memory and say once what that costs.
    func failed(_ error: FileError, _ now: BootSnapshot) {
        outbox.memoryOnly = true
        guard let change = storage.failed(error, wall: now.now, monotonic: now.monotonic) else {
            log.debug("state folder still failing: \(error)")
            return
        }
        log.error(
            "state folder \(path) is \(storage.problem?.state.label ?? "failing") (\(error)); running from "
                + "memory and trying it again every \(Int(storage.retryInterval)) s. Until then: the state file is "
                + "not written (gap detection at the next boot needs it: an outage now will not be found then) and "
                + "unsent events are lost if the agent restarts")
        enqueue(storage.event(for: change), at: now)
    }

    /// The periodic try of a failing folder: the state file, the held events, then `more` (the small files
    /// others keep here); all written, it is healthy again.
    func retry(_ state: AgentState, at now: BootSnapshot, more: () throws(FileError) -> Void) {
        lastPersist = now.monotonic
        do {
            try fs.makeDirectory(path, mode: 0o700)
            try stateFile.save(state)
            try outbox.persistPending()
            try more()
        } catch {
            failed(error, now)
            return
        }
        outbox.memoryOnly = false
        guard let change = storage.succeeded() else { return }
        log.notice("state folder \(path) is writable again: state file and \(outbox.count) event(s) saved")
        enqueue(storage.event(for: change), at: now)
    }

    /// A small file of the folder, trimmed; nil when it cannot be read.
    func readLine(_ name: String) -> String? {
        guard let bytes = try? fs.read(file(name)) else { return nil }
        return String(decoding: bytes, as: UTF8.self).trimmedWhitespace
    }

    /// Writes a small private file of the folder (a token, a mark) atomically.
    func writeLine(_ text: String, to name: String) throws(FileError) {
        try fs.writeAtomically(Array((text + "\n").utf8), to: file(name), mode: 0o600)
    }

    func remove(_ name: String) throws(FileError) {
        try fs.remove(file(name), sync: true)
    }
}
