import CollectorRules
import DowntimeProtocol
import Foundation

/// The collector's in-memory view of all devices: heartbeats land here and are written in batches.
/// Deadlines run on the monotonic clock (`CollectorTime.steady`): a step of the wall clock moves none of
/// them. Wall times are what flips are dated with and what is shown.
actor Fleet {
    private struct Entry {
        var record: DeviceRecord
        var live: DeviceStatus
        var dirty = false
        /// Start of a fresh window (collector start or resume) the device is measured from (monotonic).
        var windowStart: Date?
        /// When the last beat was received, on the monotonic clock; for a beat only known from the
        /// store, its wall time carried over to the monotonic clock when it was read.
        var beatSteady: Date?
        /// The newest beat's own send time, and the time and skew of the beat before it: a stall found after the
        /// beat was read re-dates it from these.
        var sent: (at: Date, previous: Date?, skew: Double?)?
    }

    private var entries: [String: Entry] = [:]
    private var byToken: [[UInt8]: String] = [:]
    let policy: LivenessPolicy
    let defaultInterval: Int
    /// The sweep's own period: a stall began at most this long before the loop overslept.
    let sweepInterval: TimeInterval
    /// The newest stall of the process (monotonic): beats read in the burst after it are dated by `QueuedBeat`.
    private var stall: DateInterval?
    /// Oversleeping by more than this is a stall of the process, not a busy moment.
    static let stallSlack: TimeInterval = 1.5

    init(policy: LivenessPolicy, defaultInterval: Int, sweepInterval: TimeInterval = 1) {
        self.policy = policy
        self.defaultInterval = defaultInterval
        self.sweepInterval = sweepInterval
    }

    /// Replaces what is known from the store; beats newer in memory than on disk are kept.
    /// With `freshWindow`, a device not known yet is measured from `now` (the collector's start).
    func load(_ records: [DeviceRecord], now: CollectorTime, freshWindow: Bool) {
        var next: [String: Entry] = [:]
        byToken = [:]
        for var r in records {
            var entry =
                entries[r.name]
                ?? Entry(
                    record: r, live: r.status, windowStart: freshWindow ? now.steady : nil,
                    beatSteady: Self.lastHeard(r, now: now))
            if let mine = entry.record.beat, mine.at >= (r.beat?.at ?? .distantPast) {
                r.beat = mine
            } else {
                // The stored beat has no checks (they are in memory and in their flips): keep those known.
                if r.beat?.checks == nil { r.beat?.checks = entry.record.beat?.checks }
                entry.dirty = false
                entry.beatSteady = Self.lastHeard(r, now: now)
            }
            if entry.record.paused && !r.paused { entry.windowStart = Self.steady(ofStored: r.statusSince, now: now) }
            // A changed dependency is a fresh start for the device's silence, as a resume is.
            if entry.record.dependsOn != r.dependsOn { entry.windowStart = now.steady }
            entry.record = r
            if r.paused { entry.live = .paused } else if entry.live == .paused { entry.live = r.status }
            next[r.name] = entry
            byToken[r.tokenHash] = r.name
        }
        entries = next
    }

    /// Adds one device learnt outside a reload (enrollment, or a token the store knew first), measured from `now`.
    func add(_ record: DeviceRecord, now: CollectorTime) {
        guard entries[record.name] == nil else { return }
        entries[record.name] = Entry(
            record: record, live: record.paused ? .paused : record.status,
            windowStart: now.steady, beatSteady: record.beat.map { Self.steady(ofStored: $0.at, now: now) })
        byToken[record.tokenHash] = record.name
    }

    /// The last time a stored device was heard: its stored beat, or its up flip when that is later. Beats are
    /// stored every flush interval but flips at once, so a killed collector can have stored a device's return and not
    /// the beat it returned with; a down flip after the restart must not date the outage back before that return
    /// (campaign seed 307: a down dated 9 s before the up it followed).
    static func lastHeard(_ r: DeviceRecord, now: CollectorTime) -> Date? {
        guard let beat = r.beat?.at else { return nil }
        let heard = r.status == .up ? max(beat, r.statusSince) : beat
        return steady(ofStored: heard, now: now)
    }

    /// The monotonic instant of a wall time read from the store: never later than now.
    static func steady(ofStored wall: Date, now: CollectorTime) -> Date {
        min(now.steady, now.steady(ofWall: wall))
    }

    func device(forTokenHash hash: [UInt8]) -> String? {
        byToken[hash]
    }

    /// Records a heartbeat at `receivedAt`; returns the interval to answer, the flip to commit, if any, and the
    /// service checks' flips to record.
    func beat(_ hb: Heartbeat, receivedAt t: CollectorTime) -> (interval: Int, flip: FlipChange?, checks: [CheckFlip]) {
        guard var e = entries[hb.device] else { return (hb.intervalS, nil, []) }
        let old = e.record.beat
        let stallStart = stallStart(before: t)
        let alive = QueuedBeat.date(
            sentAt: hb.sentAt, receivedAt: t.wall, skewBefore: old?.clockSkewS, previousBeat: old?.at,
            stallStart: stallStart)
        // A late receipt says nothing of the device's clock: the skew measured before the stall stands.
        let measured = t.wall.timeIntervalSince(hb.sentAt)
        let skew = stallStart != nil ? old?.clockSkewS ?? measured : measured
        e.sent = (hb.sentAt, old?.at, old?.clockSkewS)
        e.beatSteady = t.steady - t.wall.timeIntervalSince(alive)
        let checks = CheckStates.merged(hb.checks, previous: old?.checks)
        let checkFlips = CheckStates.flips(
            device: hb.device, previous: old?.checks?.results, new: hb.checks, beatAt: alive, skew: skew,
            previousBeat: old?.at)
        e.record.beat = BeatState(
            at: alive, intervalS: hb.intervalS, agentVersion: hb.agentVersion, bootID: hb.bootID,
            clockSkewS: skew, clockSynced: hb.clockSynced, uptimeS: hb.uptimeS, seq: hb.seq,
            storage: hb.storage, health: hb.health, checks: checks)
        let flip = markAlive(&e, at: alive)
        entries[hb.device] = e
        return (e.record.interval(default: defaultInterval), flip, checkFlips)
    }

    /// Records a ping (`/ping/{token}`), a heartbeat without agent facts; returns the flip to commit, if any.
    func ping(_ name: String, at t: CollectorTime) -> FlipChange? {
        guard var e = entries[name] else { return nil }
        let old = e.record.beat
        let at = t.wall
        e.beatSteady = t.steady
        e.record.beat = BeatState(
            at: at, intervalS: e.record.interval(default: defaultInterval),
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
        let flip = Self.flip(name, from: e.record.status, to: .down, at: at, reason: .reportedFailure)
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
        // A device in maintenance stays shown paused between sweeps; the sweep says when the window is over (a beat
        // showed it up until the next sweep, and a page polled then said up in the middle of the window).
        if e.live != .paused { e.live = .up }
        guard e.record.status == .new || e.record.status == .down || e.record.status == .unreachable else { return nil }
        let flip = Self.flip(
            e.record.name, from: e.record.status, to: .up, at: at, reason: .heartbeat(from: e.record.status))
        e.record.status = .up
        e.record.statusSince = at
        return flip
    }

    /// Takes beats other collectors stored (several collectors on one database): the newest of memory
    /// and store wins, so no device is called down while it beats to another collector. With `leading`,
    /// a stored beat after a recorded down (or a first one) is the up flip to commit, at that beat's time;
    /// the store records it once, whoever proposes it too.
    /// Another collector's beat is known by its wall time only: its monotonic instant is estimated
    /// from ours at `now` (exact while the collectors' clocks agree).
    func mergeStored(_ stored: [String: BeatState], leading: Bool, now: CollectorTime) -> [FlipChange] {
        var flips: [FlipChange] = []
        for (name, beat) in stored {
            guard var e = entries[name], beat.at > (e.record.beat?.at ?? .distantPast) else { continue }
            let old = e.record.beat
            e.record.beat = beat // not dirty: it is stored already
            if beat.checks == nil { e.record.beat?.checks = old?.checks }
            e.beatSteady = max(e.beatSteady ?? .distantPast, Self.steady(ofStored: beat.at, now: now))
            if leading, !e.record.paused,
                e.record.status == .new || e.record.status == .down
                    || e.record.status == .unreachable,
                beat.at > e.record.statusSince
            {
                let reason = FlipReason.heartbeat(from: e.record.status)
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
    /// A device with a parent is judged after it (`DependencyRule`), so that a parent going down makes the
    /// devices behind it unreachable in the same sweep.
    /// Without `recording` (a collector that does not lead) it only updates the shown status: the
    /// recorded one comes from the leader through the store.
    /// `nextDown` is on the monotonic clock (`now.steady`).
    func sweep(now t: CollectorTime, maintenance: MaintenancePlan, recording: Bool = true)
        -> (flips: [FlipChange], nextDown: Date?)
    {
        var flips: [FlipChange] = []
        var nextDown: Date?
        var dependants: [String] = []
        for (name, e) in entries where !e.record.paused {
            if e.record.dependsOn != nil {
                dependants.append(name)
                continue
            }
            judge(name, e, now: t, maintenance: maintenance, recording: recording, flips: &flips, nextDown: &nextDown)
        }
        guard !dependants.isEmpty else { return (flips, nextDown) }
        // Parents first: a device's depth is the length of its chain of parents.
        let depth = Dictionary(uniqueKeysWithValues: dependants.map { ($0, chainLength($0)) })
        for name in dependants.sorted(by: { (depth[$0] ?? 0, $0) < (depth[$1] ?? 0, $1) }) {
            guard let e = entries[name] else { continue }
            judge(name, e, now: t, maintenance: maintenance, recording: recording, flips: &flips, nextDown: &nextDown)
        }
        return (flips, nextDown)
    }

    /// How many parents are above `name` (a loop, which the admin refuses, is cut at the fleet's size).
    private func chainLength(_ name: String) -> Int {
        var n = 0
        var next = entries[name]?.record.dependsOn
        while let up = next, n < entries.count {
            n += 1
            next = entries[up]?.record.dependsOn
        }
        return n
    }

    /// How `e`'s parent stands for it now.
    private func parent(of e: Entry, now: CollectorTime) -> DependencyRule.Parent {
        guard let name = e.record.dependsOn, let p = entries[name] else { return .clear(back: nil) }
        let blocking: Set<DeviceStatus> = [.down, .unreachable]
        if blocking.contains(p.record.status) || blocking.contains(p.live) { return .blocking }
        if p.live == .late { return .pending }
        return .clear(back: p.record.status == .up ? Self.steady(ofStored: p.record.statusSince, now: now) : nil)
    }

    /// One device's sweep: its status now, the flip to record and its next deadline.
    private func judge(
        _ name: String, _ entry: Entry, now t: CollectorTime, maintenance: MaintenancePlan, recording: Bool,
        flips: inout [FlipChange], nextDown: inout Date?
    ) {
        var e = entry
        var windowStart = e.windowStart
        if !maintenance.windows.isEmpty {
            // Maintenance windows are wall-clock times an admin wrote.
            let m = maintenance.state(device: name, tags: e.record.tags, now: t.wall)
            if m.active {
                entries[name]?.live = .paused
                return
            }
            if let lastEnd = m.lastEnd {
                let end = Self.steady(ofStored: lastEnd, now: t)
                windowStart = max(windowStart ?? end, end)
            }
        }
        let interval = Double(e.record.interval(default: defaultInterval))
        let beatSteady = e.beatSteady ?? e.record.beat.map { Self.steady(ofStored: $0.at, now: t) }
        let judged = DependencyRule.judge(
            lastBeat: beatSteady, interval: interval, policy: policy, windowStart: windowStart,
            recorded: e.record.status, parent: parent(of: e, now: t), now: t.steady)
        var flipped = false
        if recording, let flip = judged.flip, e.record.beat != nil, let lastSteady = beatSteady {
            let (to, time) = (flip.to, flip.at)
            // The outage started after the last beat we heard, not when we noticed; after a parent's return,
            // at that return. On today's wall clock: a beat received while the clock was stepped keeps its stepped
            // receipt date, which a flip after the step back must not take (it would date the outage in the future).
            let from: Date = if case .at(let steady) = time { steady } else { lastSteady }
            let at = t.wall - t.steady.timeIntervalSince(from)
            let counted = time == .lastBeat ? max(lastSteady, windowStart ?? lastSteady) : from
            let silent = Int(t.steady.timeIntervalSince(counted).rounded())
            let rule = "\(policy.misses) × \(Int(interval)) s + \(Int(policy.grace)) s grace"
            let parentName = e.record.dependsOn ?? "its parent"
            let parentStatus = e.record.dependsOn.flatMap { entries[$0]?.record.status } ?? .down
            let reason: FlipReason =
                to == .unreachable
                ? .silentBehindParent(seconds: silent, parent: parentName, parentStatus: parentStatus)
                : time == .lastBeat
                    ? .silent(seconds: silent, rule: rule)
                    : .silentSinceParentBack(seconds: silent, parent: parentName, rule: rule)
            flips.append(Self.flip(name, from: e.record.status, to: to, at: at, reason: reason))
            e.record.status = to
            e.record.statusSince = at
            flipped = true
        }
        if let deadline = judged.nextDown { nextDown = min(nextDown ?? deadline, deadline) }
        // A collector that does not record shows what the rule says; one that does, what it recorded.
        let live = judged.status
        // Written back only when something changed: copying 10,000 entries back every second was wasted work.
        guard flipped || live != e.live else { return }
        e.live = live
        entries[name] = e
    }

    /// The wall clock was found off by `offset` seconds while it was unsynchronised: beats received
    /// between the monotonic instants `from` and `to` are re-dated by it (and written again), so that a
    /// down flip dated at such a beat is dated right. Returns how many were re-dated.
    func redate(by offset: TimeInterval, from: Date, to: Date) -> Int {
        var n = 0
        for (name, var e) in entries {
            guard let s = e.beatSteady, s >= from, s < to, let beat = e.record.beat else { continue }
            e.record.beat?.at = beat.at + offset
            e.dirty = true
            entries[name] = e
            n += 1
        }
        return n
    }

    /// The collector did not run for a while (stopped, paused, starved): nothing it could have heard then counts
    /// as silence, so every device's window starts again now, as after a restart.
    func freshWindows(now: CollectorTime, stalledFor overslept: TimeInterval) {
        for name in entries.keys { entries[name]?.windowStart = now.steady }
        guard overslept > 0 else { return }
        // The loop fell asleep up to a sweep interval before it should have woken.
        let start = now.steady - overslept - sweepInterval
        stall = DateInterval(start: start, end: now.steady)
        let startWall = now.wall - now.steady.timeIntervalSince(start)
        // Beats read since the stall began were read after it ended, in the burst: dated again by their send time.
        for (name, e) in entries {
            guard let steady = e.beatSteady, steady > start, let sent = e.sent, var beat = e.record.beat else {
                continue
            }
            let alive = QueuedBeat.date(
                sentAt: sent.at, receivedAt: beat.at, skewBefore: sent.skew, previousBeat: sent.previous,
                stallStart: startWall)
            entries[name]?.beatSteady = steady - beat.at.timeIntervalSince(alive)
            beat.at = alive
            beat.clockSkewS = sent.skew ?? beat.clockSkewS
            entries[name]?.record.beat = beat
            entries[name]?.dirty = true
        }
    }

    /// The wall time the stall began, for a beat read at `t` less than `QueuedBeat.burst` after its end.
    private func stallStart(before t: CollectorTime) -> Date? {
        guard let stall, t.steady.timeIntervalSince(stall.end) <= QueuedBeat.burst else { return nil }
        return t.wall - t.steady.timeIntervalSince(stall.start)
    }

    /// Statuses that changed in `window` (on an unsynchronised clock) since `offset` seconds later, as the store's.
    func shiftStatusSince(by offset: TimeInterval, in window: ClosedRange<Date>, device: String? = nil) {
        for (name, e) in entries where window.contains(e.record.statusSince) && (device.map { $0 == name } ?? true) {
            entries[name]?.record.statusSince = e.record.statusSince + offset
        }
    }

    /// Flips the store could not record: the status goes back to the flip's `from`, so that the next beat
    /// or sweep proposes the flip again instead of memory and store telling two stories.
    func unrecorded(_ flips: [FlipChange]) {
        for f in flips {
            guard var e = entries[f.device], e.record.status == f.status, case .flip(let r) = f.event.payload,
                r.from != .paused
            else { continue }
            e.record.status = r.from
            entries[f.device] = e
        }
    }

    /// Check flips the store could not record: each check goes back to its `from` state (a check first seen is
    /// forgotten), so that the next full results propose them again.
    func unrecorded(_ checks: [CheckFlip]) {
        for f in checks {
            guard var results = entries[f.device]?.record.beat?.checks?.results,
                let i = results.firstIndex(where: { $0.name == f.name })
            else { continue }
            if let from = f.record.from { results[i].state = from } else { results.remove(at: i) }
            entries[f.device]?.record.beat?.checks?.results = results
        }
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

    /// The site of each device in a named one (the default site's devices are left out).
    func sites() -> [String: String] {
        var out: [String: String] = [:]
        for (name, e) in entries { if let site = e.record.site { out[name] = site } }
        return out
    }

    func snapshot() -> [LiveDevice] {
        entries.values.map { LiveDevice(record: $0.record, status: $0.live) }
    }

    /// Every device's status as liveness shows it now (cheaper than a snapshot: no records copied).
    func statuses() -> [String: DeviceStatus] {
        entries.mapValues(\.live)
    }

    /// The devices behind `name`: depending on it directly or through others.
    func dependants(of name: String) -> [LiveDevice] {
        entries.values.compactMap { e in
            var next = e.record.dependsOn
            var steps = 0
            while let up = next, steps < entries.count {
                if up == name { return LiveDevice(record: e.record, status: e.live) }
                next = entries[up]?.record.dependsOn
                steps += 1
            }
            return nil
        }
    }

    func live(_ name: String) -> LiveDevice? {
        entries[name].map { LiveDevice(record: $0.record, status: $0.live) }
    }

    static func flip(_ device: String, from: DeviceStatus, to: DeviceStatus, at: Date, reason: FlipReason) -> FlipChange
    {
        FlipChange.flip(device, from: from, to: to, at: at, reason: reason)
    }
}
