import DowntimeProtocol
import Foundation

/// The collector's in-memory view of all devices: heartbeats land here and are written in batches.
actor Fleet {
    private struct Entry {
        var record: DeviceRecord
        var live: DeviceStatus
        var dirty = false
        /// Start of a fresh window (collector start or resume) the device is measured from.
        var windowStart: Date?
    }

    private var entries: [String: Entry] = [:]
    private var byToken: [[UInt8]: String] = [:]
    let policy: LivenessPolicy
    let defaultInterval: Int

    init(policy: LivenessPolicy, defaultInterval: Int) {
        self.policy = policy
        self.defaultInterval = defaultInterval
    }

    /// Replaces what is known from the store; beats newer in memory than on disk are kept.
    func load(_ records: [DeviceRecord], windowStart: Date?) {
        var next: [String: Entry] = [:]
        byToken = [:]
        for var r in records {
            var entry = entries[r.name] ?? Entry(record: r, live: r.status, windowStart: windowStart)
            if let mine = entry.record.beat, mine.at >= (r.beat?.at ?? .distantPast) {
                r.beat = mine
            } else {
                entry.dirty = false
            }
            if entry.record.paused && !r.paused { entry.windowStart = r.statusSince }
            entry.record = r
            if r.paused { entry.live = .paused } else if entry.live == .paused { entry.live = r.status }
            next[r.name] = entry
            byToken[r.tokenHash] = r.name
        }
        entries = next
    }

    /// Adds one device learnt outside a reload (enrollment, or a token the store knew first).
    func add(_ record: DeviceRecord, windowStart: Date?) {
        guard entries[record.name] == nil else { return }
        entries[record.name] = Entry(record: record, live: record.paused ? .paused : record.status, windowStart: windowStart)
        byToken[record.tokenHash] = record.name
    }

    func device(forTokenHash hash: [UInt8]) -> String? {
        byToken[hash]
    }

    /// Records a heartbeat at `receivedAt`; returns the interval to answer and the flip to commit, if any.
    func beat(_ hb: Heartbeat, receivedAt: Date) -> (interval: Int, flip: FlipChange?) {
        guard var e = entries[hb.device] else { return (hb.intervalS, nil) }
        let skew = receivedAt.timeIntervalSince(hb.sentAt)
        e.record.beat = BeatState(at: receivedAt, intervalS: hb.intervalS, agentVersion: hb.agentVersion, bootID: hb.bootID,
                                  clockSkewS: skew, clockSynced: hb.clockSynced, uptimeS: hb.uptimeS, seq: hb.seq,
                                  storage: hb.storage)
        let flip = markAlive(&e, at: receivedAt)
        entries[hb.device] = e
        return (e.record.interval(default: defaultInterval), flip)
    }

    /// Records a ping (`/ping/{token}`), a heartbeat without agent facts; returns the flip to commit, if any.
    func ping(_ name: String, at: Date) -> FlipChange? {
        guard var e = entries[name] else { return nil }
        let old = e.record.beat
        e.record.beat = BeatState(at: at, intervalS: e.record.interval(default: defaultInterval),
                                  agentVersion: old?.agentVersion ?? "ping", bootID: old?.bootID ?? "",
                                  clockSkewS: old?.clockSkewS ?? 0, clockSynced: old?.clockSynced ?? true,
                                  uptimeS: old?.uptimeS ?? 0, seq: (old?.seq ?? 0) + 1)
        let flip = markAlive(&e, at: at)
        entries[name] = e
        return flip
    }

    /// Marks a device down now because it said so (`/ping/{token}/fail`); nil when already down or paused.
    func fail(_ name: String, at: Date) -> FlipChange? {
        guard var e = entries[name], !e.record.paused, e.record.status != .down else { return nil }
        let flip = Self.flip(name, from: e.record.status, to: .down, at: at, reason: "the device reported a failure")
        e.record.status = .down
        e.record.statusSince = at
        e.live = .down
        entries[name] = e
        return flip
    }

    /// The device is alive at `at`: it is up again (a flip out of new or down), unless paused.
    private func markAlive(_ e: inout Entry, at: Date) -> FlipChange? {
        e.dirty = true
        guard !e.record.paused else { return nil }
        e.live = .up
        guard e.record.status == .new || e.record.status == .down else { return nil }
        let reason = e.record.status == .new ? "first heartbeat" : "heartbeat received"
        let flip = Self.flip(e.record.name, from: e.record.status, to: .up, at: at, reason: reason)
        e.record.status = .up
        e.record.statusSince = at
        return flip
    }

    /// Takes beats other collectors stored (several collectors on one database): the newest of memory
    /// and store wins, so no device is called down while it beats to another collector. With `leading`,
    /// a stored beat after a recorded down (or a first one) is the up flip to commit, at that beat's time;
    /// the store records it once, whoever proposes it too.
    func mergeStored(_ stored: [String: BeatState], leading: Bool) -> [FlipChange] {
        var flips: [FlipChange] = []
        for (name, beat) in stored {
            guard var e = entries[name], beat.at > (e.record.beat?.at ?? .distantPast) else { continue }
            e.record.beat = beat  // not dirty: it is stored already
            if leading, !e.record.paused, e.record.status == .new || e.record.status == .down, beat.at > e.record.statusSince {
                let reason = e.record.status == .new ? "first heartbeat" : "heartbeat received"
                flips.append(Self.flip(name, from: e.record.status, to: .up, at: beat.at, reason: reason))
                e.record.status = .up
                e.record.statusSince = beat.at
                e.live = .up
            }
            entries[name] = e
        }
        return flips
    }

    /// Applies liveness to every device at `now`; returns the flips to commit (`late` is not recorded) and
    /// the earliest moment another device turns down without a beat (nil when none can).
    /// A device in maintenance is shown paused and never flips; after it, it gets a fresh window.
    /// Without `recording` (a collector that does not lead) it only updates the shown status: the
    /// recorded one comes from the leader through the store.
    func sweep(now: Date, maintenance: MaintenancePlan, recording: Bool = true) -> (flips: [FlipChange], nextDown: Date?) {
        var flips: [FlipChange] = []
        var nextDown: Date?
        let anyMaintenance = !maintenance.windows.isEmpty
        for (name, var e) in entries where !e.record.paused {
            var windowStart = e.windowStart
            if anyMaintenance {
                let m = maintenance.state(device: name, tags: e.record.tags, now: now)
                if m.active {
                    entries[name]?.live = .paused
                    continue
                }
                if let end = m.lastEnd { windowStart = max(windowStart ?? end, end) }
            }
            let interval = Double(e.record.interval(default: defaultInterval))
            let recordedDown = e.record.status == .down
            var flipped = false
            let status = Liveness.status(lastBeat: e.record.beat?.at, interval: interval, paused: false, now: now,
                                         policy: policy, windowStart: recordedDown ? nil : windowStart)
            if recording, status == .down, !recordedDown, let last = e.record.beat?.at {
                let silent = Int(now.timeIntervalSince(max(last, windowStart ?? last)).rounded())
                let reason = "no heartbeat for \(silent) s (\(policy.misses) × \(Int(interval)) s + \(Int(policy.grace)) s grace)"
                // The outage started after the last beat we heard, not when we noticed.
                flips.append(Self.flip(name, from: e.record.status, to: .down, at: last, reason: reason))
                e.record.status = .down
                e.record.statusSince = last
                flipped = true
            }
            if status != .down, let last = e.record.beat?.at {
                let deadline = Liveness.downDeadline(reference: max(last, windowStart ?? last), interval: interval, policy: policy)
                nextDown = min(nextDown ?? deadline, deadline)
            }
            let live = recordedDown ? .down : status
            // Written back only when something changed: copying 10,000 entries back every second was wasted work.
            guard flipped || live != e.live else { continue }
            e.live = live
            entries[name] = e
        }
        return (flips, nextDown)
    }

    /// Beats changed since the last call, to be written in one batch.
    func takeDirtyBeats() -> [String: BeatState] {
        var out: [String: BeatState] = [:]
        for (name, e) in entries where e.dirty {
            out[name] = e.record.beat
            entries[name]?.dirty = false
        }
        return out
    }

    /// Puts beats back after a failed write, unless newer ones arrived meanwhile.
    func markDirty(_ names: some Sequence<String>) {
        for name in names { entries[name]?.dirty = true }
    }

    var count: Int { entries.count }

    func snapshot() -> [LiveDevice] {
        entries.values.map { LiveDevice(record: $0.record, status: $0.live) }
    }

    func live(_ name: String) -> LiveDevice? {
        entries[name].map { LiveDevice(record: $0.record, status: $0.live) }
    }

    static func flip(_ device: String, from: DeviceStatus, to: DeviceStatus, at: Date, reason: String) -> FlipChange {
        FlipChange.flip(device, from: from, to: to, at: at, reason: reason)
    }
}
