import DowntimeProtocol
import Glibc

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Durable spool of events not yet acknowledged by the collector (docs/DESIGN.md, "Outbox").
///
/// One file per event, named by a sequence number, written temp + fsync + rename + fsync-dir:
/// after a `kill -9` or a power cut at any point, an event is either wholly there or was never
/// enqueued (the call had not returned). Files go only after a 2xx; a file that survives its
/// removal by a crash is sent again, and the collector stores it once by its UUID.
///
/// When the folder cannot be written (read-only, full, failing), events are held in memory within
/// the same limits, and `persistPending` writes them (and removes the files of sent ones) later.
public final class Outbox {
    /// One spooled event, with what is needed to date it later if the clock was implausible.
    public struct Entry: Sendable, Equatable {
        public var seq: UInt64
        public var event: Event
        /// The boot and CLOCK_BOOTTIME seconds when it was observed.
        public var bootID: String
        public var uptime: Double
        public var size: Int
    }

    public let directory: String
    public let limits: OutboxLimits
    private let log: Log
    private let fs: any FileSystem
    private(set) public var entries: [Entry] = []
    private(set) public var bytes = 0
    private var nextSeq: UInt64 = 1
    /// Sequence numbers handed to the collector at least once in this run (the collector may have
    /// stored them): such an event is never rewritten, since its id is taken.
    private var attempted: Set<UInt64> = []
    /// Entries held in memory only (their write failed, or the disk is held).
    private var unsaved: Set<UInt64> = []
    /// Files of events gone from the outbox that could not be deleted yet (sent again after a restart: harmless).
    private var leftovers: Set<String> = []
    /// False when the folder could not even be opened: it is created and read before the first write.
    private var opened = true
    /// Set by the agent while the folder fails: no disk access but `persistPending`.
    public var memoryOnly = false

    /// Opens (creating if needed) the spool folder and loads what a previous run left.
    public init(
        directory: String, limits: OutboxLimits = OutboxLimits(), log: Log = .silent,
        fs: any FileSystem = PosixFileSystem()
    ) throws(FileError) {
        self.directory = directory
        self.limits = limits
        self.log = log
        self.fs = fs
        try fs.makeDirectory(directory, mode: 0o700)
        let loaded = try load()
        entries = loaded
        bytes = entries.reduce(0) { $0 + $1.size }
        nextSeq = (entries.last?.seq ?? 0) + 1
    }

    /// An outbox in memory for a folder that cannot be opened now; `persistPending` opens it later
    /// and adds what a previous run left there.
    public init(
        unopened directory: String, limits: OutboxLimits = OutboxLimits(), log: Log = .silent,
        fs: any FileSystem = PosixFileSystem()
    ) {
        self.directory = directory
        self.limits = limits
        self.log = log
        self.fs = fs
        opened = false
        memoryOnly = true
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    /// Events that would be lost if the agent stopped now.
    public var unsavedCount: Int { unsaved.count }

    /// Adds an event; it is on disk when this returns normally. When the write fails the event is
    /// kept in memory all the same, and the error is thrown so that the caller knows the disk failed.
    public func enqueue(_ event: Event, bootID: String, uptime: Double) throws(FileError) {
        var entry = Entry(seq: 0, event: event, bootID: bootID, uptime: uptime, size: 0)
        let data = Self.encode(entry)
        entry.size = data.count
        var failure: FileError?
        do {
            try makeRoom(for: entry.size)
        } catch {
            failure = error
        }
        // After makeRoom: a new drop report may have taken the next number.
        entry.seq = nextSeq
        nextSeq += 1
        entries.append(entry)
        bytes += entry.size
        if let failure {
            // The disk failed while making room: do not try it again now.
            unsaved.insert(entry.seq)
            throw failure
        }
        if let failure = write(entry, data) { throw failure }
    }

    /// Marks entries as handed to the collector: their ids may be stored there now.
    public func markAttempted(_ seqs: some Sequence<UInt64>) {
        attempted.formUnion(seqs)
    }

    /// Removes acknowledged events (and makes the removal durable once, for the whole batch). They
    /// leave memory even when their files cannot be deleted; the first failure is thrown.
    public func remove(seqs: Set<UInt64>) throws(FileError) {
        guard !seqs.isEmpty else { return }
        let gone = entries.filter { seqs.contains($0.seq) }
        entries.removeAll { seqs.contains($0.seq) }
        bytes = entries.reduce(0) { $0 + $1.size }
        if let failure = delete(gone) { throw failure }
    }

    /// Writes what is held in memory and deletes the files of events already gone: the retry of a
    /// failing folder. Opens the folder first if it never could be (events a previous run left
    /// there join the outbox, before the ones held in memory).
    public func persistPending() throws(FileError) {
        if !opened {
            try fs.makeDirectory(directory, mode: 0o700)
            let onDisk = try load()
            // Renumbered after what is on disk, so no file is overwritten; the sequence is internal.
            var next = (onDisk.last?.seq ?? 0) + 1
            var renumbered: [UInt64: UInt64] = [:]
            for index in entries.indices {
                renumbered[entries[index].seq] = next
                entries[index].seq = next
                next += 1
            }
            attempted = Set(attempted.compactMap { renumbered[$0] })
            unsaved = Set(unsaved.compactMap { renumbered[$0] })
            entries = onDisk + entries
            bytes = entries.reduce(0) { $0 + $1.size }
            nextSeq = next
            opened = true
        }
        for path in leftovers.sorted() {
            try fs.remove(path, sync: false)
            leftovers.remove(path)
        }
        for entry in entries where unsaved.contains(entry.seq) {
            try fs.writeAtomically(Self.encode(entry), to: path(entry.seq), mode: 0o600)
            unsaved.remove(entry.seq)
        }
        try fs.syncDirectory(of: path(0))
    }

    /// Writes one entry unless the disk is held; on failure it stays in memory as unsaved.
    private func write(_ entry: Entry, _ data: [UInt8]) -> FileError? {
        guard !memoryOnly, opened else {
            unsaved.insert(entry.seq)
            return nil
        }
        do {
            try fs.writeAtomically(data, to: path(entry.seq), mode: 0o600)
            unsaved.remove(entry.seq)
            return nil
        } catch {
            unsaved.insert(entry.seq)
            return error
        }
    }

    /// Deletes the files of entries that left the outbox; what cannot be deleted now is a leftover.
    private func delete(_ gone: [Entry]) -> FileError? {
        var failure: FileError?
        var deleted = false
        for entry in gone {
            // Unsaved may still have an older version on disk (a drop report rewritten in place), unless
            // the folder was never opened: then its number may belong to another run's file.
            if unsaved.remove(entry.seq) != nil, !opened { continue }
            let file = path(entry.seq)
            if memoryOnly || failure != nil {
                leftovers.insert(file)
                continue
            }
            do {
                try fs.remove(file, sync: false)
                deleted = true
            } catch {
                failure = error
                leftovers.insert(file)
            }
        }
        if deleted, failure == nil {
            do { try fs.syncDirectory(of: path(0)) } catch { failure = error }
        }
        return failure
    }

    // MARK: - Bounds

    /// Drops events until `incoming` more bytes and one more entry fit, and reports the drops
    /// in an `outbox_dropped` event. Outage events go last; the drop report is kept whole.
    private func makeRoom(for incoming: Int) throws(FileError) {
        var droppedCount = 0
        var droppedKinds: [String] = []
        // Room for the drop report itself, which is written once something goes.
        let reportSize = 400
        var count = entries.count
        var size = bytes
        guard count + 1 > limits.maxCount || size + incoming > limits.maxBytes else { return }
        // A drop report not yet sent is updated in place; otherwise a new one needs room too.
        let mergeable = mergeableReport()
        var reserve = mergeable == nil ? 1 : 0
        func full() -> Bool {
            count + 1 + reserve > limits.maxCount || size + incoming + reserve * reportSize > limits.maxBytes
        }
        var victims: Set<UInt64> = []
        while full(), let victim = nextVictim(excluding: victims) {
            victims.insert(victim.seq)
            if victim.seq == mergeable { reserve = 1 }
            count -= 1
            size -= victim.size
            if case .outboxDropped(let count, let kinds) = victim.event.payload {
                droppedCount += count
                for kind in kinds where !droppedKinds.contains(kind) { droppedKinds.append(kind) }
            } else {
                droppedCount += 1
                if !droppedKinds.contains(victim.event.kind.rawValue) {
                    droppedKinds.append(victim.event.kind.rawValue)
                }
            }
        }
        guard !victims.isEmpty else { return }
        let gone = entries.filter { victims.contains($0.seq) }
        entries.removeAll { victims.contains($0.seq) }
        bytes = entries.reduce(0) { $0 + $1.size }
        let failure = delete(gone)
        log.error(
            "outbox full (\(limits.maxCount) events / \(limits.maxBytes) bytes): dropped \(droppedCount) event(s) of kind "
                + droppedKinds.joined(separator: ", "))
        let reported = gone.last.flatMap { recordDrop(count: droppedCount, kinds: droppedKinds, like: $0) }
        if let failure = failure ?? reported { throw failure }
    }

    /// Oldest event of the least valuable kind: ordinary events, then drop reports (merged into
    /// the new report, so their count survives), then outages.
    private func nextVictim(excluding: Set<UInt64>) -> Entry? {
        let live = entries.lazy.filter { !excluding.contains($0.seq) }
        return live.first { $0.event.kind != .outage && $0.event.kind != .outboxDropped }
            ?? live.first { $0.event.kind == .outboxDropped }
            ?? live.first
    }

    /// The newest drop report never handed to the collector, whose id is still free to reuse.
    private func mergeableReport() -> UInt64? {
        entries.last(where: { $0.event.kind == .outboxDropped && !attempted.contains($0.seq) })?.seq
    }

    private func recordDrop(count: Int, kinds: [String], like sample: Entry) -> FileError? {
        var failure: FileError?
        if let seq = mergeableReport(), let index = entries.firstIndex(where: { $0.seq == seq }),
            case .outboxDropped(let old, let oldKinds) = entries[index].event.payload
        {
            var entry = entries[index]
            entry.event.payload = .outboxDropped(
                count: old + count, kinds: oldKinds + kinds.filter { !oldKinds.contains($0) })
            let data = Self.encode(entry)
            entry.size = data.count
            entries[index] = entry
            failure = write(entry, data)
        } else {
            let event = Event(
                device: sample.event.device, at: sample.event.at, bootID: sample.event.bootID,
                payload: .outboxDropped(count: count, kinds: kinds))
            var entry = Entry(seq: nextSeq, event: event, bootID: sample.bootID, uptime: sample.uptime, size: 0)
            let data = Self.encode(entry)
            entry.size = data.count
            nextSeq += 1
            entries.append(entry)
            failure = write(entry, data)
        }
        bytes = entries.reduce(0) { $0 + $1.size }
        return failure
    }

    // MARK: - Files

    private func path(_ seq: UInt64) -> String {
        let digits = String(seq)
        return directory + "/" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".json"
    }

    /// What a previous run left in the folder, oldest first.
    private func load() throws(FileError) -> [Entry] {
        var loaded: [Entry] = []
        for name in try fs.list(directory) {
            let full = directory + "/" + name
            if name.hasSuffix(".tmp") {
                // A write cut short before its rename: the enqueue never returned, nothing is lost.
                // On a read-only folder it stays, harmless, until a later start.
                try? fs.remove(full, sync: false)
                continue
            }
            guard name.hasSuffix(".json"), let seq = UInt64(name.dropLast(5)) else { continue }
            guard let bytes = try fs.read(full) else { continue }
            guard var entry = Self.decode(bytes) else {
                log.error("outbox file \(full) is unreadable; moved aside to \(full).bad")
                _ = rename(full, full + ".bad")
                continue
            }
            entry.seq = seq
            entry.size = bytes.count
            loaded.append(entry)
        }
        return loaded.sorted { $0.seq < $1.seq }
    }

    /// The file format: the wire event plus the boot clock reading, and the true observation time
    /// (the wire refuses times before 2020, so an implausible `at` is kept beside it).
    private struct Record: Codable {
        var v: Int
        var observedAt: Double
        var bootID: String
        var uptime: Double
        var event: Event

        enum CodingKeys: String, CodingKey {
            case v, event, uptime
            case observedAt = "observed_at"
            case bootID = "boot_id"
        }
    }

    static func encode(_ entry: Entry) -> [UInt8] {
        var event = entry.event
        event.at = max(min(event.at, WireTime.validRange.upperBound), WireTime.validRange.lowerBound)
        let record = Record(
            v: 1, observedAt: entry.event.at.timeIntervalSince1970, bootID: entry.bootID,
            uptime: entry.uptime, event: event)
        // Events that came out of GapDetector and the agent always encode.
        return (try? WireCoding.encode(record)) ?? []
    }

    static func decode(_ bytes: [UInt8]) -> Entry? {
        guard let record = try? WireCoding.decode(Record.self, from: bytes), record.v == 1 else { return nil }
        var event = record.event
        event.at = Date(timeIntervalSince1970: record.observedAt)
        return Entry(seq: 0, event: event, bootID: record.bootID, uptime: record.uptime, size: bytes.count)
    }
}
