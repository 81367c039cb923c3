#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DowntimeProtocol
import Glibc

/// How big the outbox may grow before it drops events.
public struct OutboxLimits: Sendable, Equatable {
    public var maxCount: Int
    public var maxBytes: Int

    public init(maxCount: Int = 10_000, maxBytes: Int = 8 << 20) {
        self.maxCount = maxCount
        self.maxBytes = maxBytes
    }
}

/// Durable spool of events not yet acknowledged by the collector (docs/DESIGN.md, "Outbox").
///
/// One file per event, named by a sequence number, written temp + fsync + rename + fsync-dir:
/// after a `kill -9` or a power cut at any point, an event is either wholly there or was never
/// enqueued (the call had not returned). Files go only after a 2xx; a file that survives its
/// removal by a crash is sent again, and the collector stores it once by its UUID.
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
    private(set) public var entries: [Entry] = []
    private(set) public var bytes = 0
    private var nextSeq: UInt64 = 1
    /// Sequence numbers handed to the collector at least once in this run (the collector may have
    /// stored them): such an event is never rewritten, since its id is taken.
    private var attempted: Set<UInt64> = []

    /// Opens (creating if needed) the spool folder and loads what a previous run left.
    public init(directory: String, limits: OutboxLimits = OutboxLimits(), log: Log = .silent) throws(FileError) {
        self.directory = directory
        self.limits = limits
        self.log = log
        try FileIO.makeDirectory(directory, mode: 0o700)
        try load()
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    /// Adds an event; it is on disk when this returns. Makes room first if the outbox is full.
    public func enqueue(_ event: Event, bootID: String, uptime: Double) throws(FileError) {
        var entry = Entry(seq: 0, event: event, bootID: bootID, uptime: uptime, size: 0)
        let data = Self.encode(entry)
        entry.size = data.count
        try makeRoom(for: entry.size)
        // After makeRoom: a new drop report may have taken the next number.
        entry.seq = nextSeq
        try FileIO.writeAtomically(data, to: path(entry.seq), mode: 0o600)
        nextSeq += 1
        entries.append(entry)
        bytes += entry.size
    }

    /// Marks entries as handed to the collector: their ids may be stored there now.
    public func markAttempted(_ seqs: some Sequence<UInt64>) {
        attempted.formUnion(seqs)
    }

    /// Removes acknowledged events (and makes the removal durable once, for the whole batch).
    public func remove(seqs: Set<UInt64>) throws(FileError) {
        guard !seqs.isEmpty else { return }
        for entry in entries where seqs.contains(entry.seq) {
            try FileIO.remove(path(entry.seq), sync: false)
        }
        entries.removeAll { seqs.contains($0.seq) }
        bytes = entries.reduce(0) { $0 + $1.size }
        try FileIO.syncDirectory(of: path(0))
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
                for k in kinds where !droppedKinds.contains(k) { droppedKinds.append(k) }
            } else {
                droppedCount += 1
                if !droppedKinds.contains(victim.event.kind.rawValue) { droppedKinds.append(victim.event.kind.rawValue) }
            }
        }
        guard !victims.isEmpty else { return }
        let gone = entries.filter { victims.contains($0.seq) }
        for entry in gone { try FileIO.remove(path(entry.seq), sync: false) }
        entries.removeAll { victims.contains($0.seq) }
        bytes = entries.reduce(0) { $0 + $1.size }
        log.error("outbox full (\(limits.maxCount) events / \(limits.maxBytes) bytes): dropped \(droppedCount) event(s) of kind "
                  + droppedKinds.joined(separator: ", "))
        try recordDrop(count: droppedCount, kinds: droppedKinds, like: gone.last!)
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

    private func recordDrop(count: Int, kinds: [String], like sample: Entry) throws(FileError) {
        if let seq = mergeableReport(), let i = entries.firstIndex(where: { $0.seq == seq }),
           case .outboxDropped(let old, let oldKinds) = entries[i].event.payload {
            var entry = entries[i]
            entry.event.payload = .outboxDropped(count: old + count, kinds: oldKinds + kinds.filter { !oldKinds.contains($0) })
            let data = Self.encode(entry)
            entry.size = data.count
            try FileIO.writeAtomically(data, to: path(entry.seq), mode: 0o600)
            entries[i] = entry
        } else {
            let event = Event(device: sample.event.device, at: sample.event.at, bootID: sample.event.bootID,
                              payload: .outboxDropped(count: count, kinds: kinds))
            var entry = Entry(seq: nextSeq, event: event, bootID: sample.bootID, uptime: sample.uptime, size: 0)
            let data = Self.encode(entry)
            entry.size = data.count
            try FileIO.writeAtomically(data, to: path(entry.seq), mode: 0o600)
            nextSeq += 1
            entries.append(entry)
        }
        bytes = entries.reduce(0) { $0 + $1.size }
    }

    // MARK: - Files

    private func path(_ seq: UInt64) -> String {
        let digits = String(seq)
        return directory + "/" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".json"
    }

    private func load() throws(FileError) {
        var loaded: [Entry] = []
        for name in try FileIO.list(directory) {
            let full = directory + "/" + name
            if name.hasSuffix(".tmp") {
                // A write cut short before its rename: the enqueue never returned, nothing is lost.
                try FileIO.remove(full, sync: false)
                continue
            }
            guard name.hasSuffix(".json"), let seq = UInt64(name.dropLast(5)) else { continue }
            guard let bytes = try FileIO.read(full) else { continue }
            guard var entry = Self.decode(bytes) else {
                log.error("outbox file \(full) is unreadable; moved aside to \(full).bad")
                _ = rename(full, full + ".bad")
                continue
            }
            entry.seq = seq
            entry.size = bytes.count
            loaded.append(entry)
        }
        entries = loaded.sorted { $0.seq < $1.seq }
        bytes = entries.reduce(0) { $0 + $1.size }
        nextSeq = (entries.last?.seq ?? 0) + 1
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
        let record = Record(v: 1, observedAt: entry.event.at.timeIntervalSince1970, bootID: entry.bootID,
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

/// Exponential backoff with jitter, 1 s up to 5 min, on an injected clock and random source.
public struct Backoff {
    public var base: Double
    public var cap: Double
    public private(set) var failures = 0
    /// Monotonic time before which no retry is made.
    public private(set) var notBefore: Double = 0
    private let random: () -> Double

    /// `random` returns values in 0..<1.
    public init(base: Double = 1, cap: Double = 300, random: @escaping () -> Double = { Double.random(in: 0..<1) }) {
        self.base = base
        self.cap = cap
        self.random = random
    }

    public func ready(at monotonic: Double) -> Bool { monotonic >= notBefore }

    /// Records a failure at `monotonic` and returns the delay until the next try.
    @discardableResult
    public mutating func failed(at monotonic: Double) -> Double {
        failures += 1
        let raw = min(cap, base * Double(1 << min(failures - 1, 30)))
        // ±25 % spreads agents that all lost the collector at once.
        let delay = min(cap, raw * (0.75 + 0.5 * random()))
        notBefore = monotonic + delay
        return delay
    }

    public mutating func succeeded() {
        failures = 0
        notBefore = 0
    }
}
