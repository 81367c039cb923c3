import DowntimeProtocol
import Foundation
import Logging
import Synchronization

/// The collector's behaviour, independent of HTTP: ingest, liveness sweeps, flushing and the read side.
public final class Collector: Sendable {
    public let store: any Store
    public let config: CollectorConfig
    /// Wall time: what is recorded and shown.
    public let clock: any WallClock
    /// Monotonic time: what liveness deadlines run on.
    public let monotonic: any MonotonicClock
    let clockSync: any ClockSyncProbe
    /// The collector's own state (clock steps and sync, store failures) and records.
    public let health: CollectorHealth
    /// When this run started; every device gets a fresh window from here.
    public let startedAt: Date
    let fleet: Fleet
    let timelines = TimelineCache()
    /// Nil when no channel is configured.
    public let notifier: Notifier?
    /// The flips this collector records, for open event streams (the overview's live changes).
    public let changes: ChangeFeed
    let logger: Logger
    private let externalMark: Mutex<Int>
    private let maintenance: Mutex<MaintenancePlan>
    /// Set when several collectors share the store: then only the leader records sweep flips and notifies.
    let shared: (any SharedStore)?
    let leader: any LeaderLock
    private struct Lead {
        var leading: Bool
        /// Where the leader's notifications are in the log; nil until read from the store after taking the lead.
        var notifyCursor: Int64?
        /// Flips the leader recorded and told its notifier at once: the log tail skips them.
        var toldAlready: Set<UUID> = []
        /// Flips read from the log whose message may still be held by the planner (grouping, settling):
        /// the stored cursor stays before them, so that a leader taking over tells them if this one dies.
        var held: [(seq: Int64, until: Date)] = []
        var storedCursor: Int64?
    }
    private let lead: Mutex<Lead>

    private init(store: any Store, config: CollectorConfig, clock: any WallClock, monotonic: any MonotonicClock,
                 clockSync: any ClockSyncProbe, health: CollectorHealth, startedAt: Date, mark: Int, logger: Logger) {
        self.store = store
        self.config = config
        self.clock = clock
        self.monotonic = monotonic
        self.clockSync = clockSync
        self.health = health
        self.startedAt = startedAt
        self.fleet = Fleet(policy: config.policy, defaultInterval: config.defaultInterval)
        self.externalMark = Mutex(mark)
        self.maintenance = Mutex(MaintenancePlan(windows: config.maintenance))
        self.notifier = config.notifiers.isEmpty ? nil : Notifier(
            specs: config.notifiers,
            planner: NotificationPlanner(damp: config.notifyDamp, groupWindow: config.notifyGroupWindow, settle: config.notifySettle),
            store: store, logger: logger)
        self.logger = logger
        self.changes = ChangeFeed(run: ChangeFeed.runID(startedAt: startedAt))
        self.shared = store as? any SharedStore
        self.leader = shared?.makeLeaderLock(logger: logger) ?? SoleLeader()
        self.lead = Mutex(Lead(leading: shared == nil))
    }

    /// True while this collector runs the sweep, flip recording, notifications and housekeeping
    /// (always with SQLite; with PostgreSQL, the one holding the advisory lock).
    public var isLeading: Bool { lead.withLock { $0.leading } }

    /// Both clocks read now.
    public func time() -> CollectorTime { CollectorTime.now(wall: clock, monotonic: monotonic) }

    /// Starts a collector run on `store`: records the time the previous run was away as `collector_down`
    /// (unknown, not downtime) in every device's log and loads the devices.
    /// The time away is measured on the wall clock (nothing else spans a restart): a clock behind the
    /// previous run's last alive mark (a box without a real-time clock, not yet synchronised) records
    /// nothing, since the time away is then unknowable; a clock stepped ahead between runs lengthens it.
    /// Either way it is `unknown` time, never downtime, and no device is judged on it (fresh windows).
    public static func start(store: any Store, config: CollectorConfig, clock: any WallClock = SystemWallClock(),
                             monotonic: any MonotonicClock = SystemMonotonicClock(),
                             clockSync: (any ClockSyncProbe)? = nil, logger: Logger = Logger(label: "downtime-collector")) async throws -> Collector {
        let t = CollectorTime.now(wall: clock, monotonic: monotonic)
        let now = t.wall
        let sync = clockSync ?? LinuxClockSyncProbe(flagFile: config.clockSyncFile)
        let health = CollectorHealth(logger: logger, dataDir: config.database == nil ? config.dataDir : nil)
        health.observeClock(t, synced: sync.isSynced())
        let previousAlive = try await store.beginRun(at: now)
        let devices = try await store.allDevices()
        if let previousAlive, now < previousAlive {
            logger.warning("""
                the clock (\(WireTime.format(now))) is behind the previous run's last alive mark \
                (\(WireTime.format(previousAlive))): the time the collector was away is unknown and not recorded
                """)
        } else if let previousAlive, now.timeIntervalSince(previousAlive) > config.flushInterval {
            let records = devices.filter { $0.createdAt <= previousAlive }.map {
                Event(device: $0.name, at: previousAlive, bootID: nil, payload: .collectorDown(start: previousAlive, end: now))
            }
            if !records.isEmpty { _ = try await store.insertEvents(records, receivedAt: now) }
            logger.notice("collector was away from \(WireTime.format(previousAlive)) to \(WireTime.format(now)); recorded as unknown")
        }
        let c = Collector(store: store, config: config, clock: clock, monotonic: monotonic, clockSync: sync,
                          health: health, startedAt: now, mark: try await store.externalChangeMark(), logger: logger)
        await c.fleet.load(devices, now: t, freshWindow: true)
        try await c.loadMaintenance()
        if c.shared != nil {
            let leading = await c.leader.holdsLead()
            c.lead.withLock { $0.leading = leading }
        }
        return c
    }

    // MARK: ingest

    /// The device a token belongs to, also one the CLI added since the last reload.
    func owner(ofToken token: String) async throws -> String? {
        let hash = Tokens.hash(token)
        if let name = await fleet.device(forTokenHash: hash) { return name }
        guard let record = try await store.device(tokenHash: hash) else { return nil }
        await fleet.add(record, now: time())
        return record.name
    }

    /// Resolves a bearer token to its device: 401 when unknown, 403 when it is another device's.
    func authorize(_ token: String?, for device: String, field: String = "device") async throws -> String {
        guard let token else { throw APIError.missingToken }
        guard let owner = try await owner(ofToken: token) else { throw APIError.badToken }
        guard owner == device else { throw APIError.wrongDevice(field) }
        return owner
    }

    /// Handles a heartbeat; a resulting flip (new → up, down → up) is committed before the answer.
    public func heartbeat(_ hb: Heartbeat, token: String?) async throws -> HeartbeatReply {
        _ = try await authorize(token, for: hb.device)
        return try await beat(hb)
    }

    /// A heartbeat whose token was already checked against `hb.device` (the route authorizes once, before its rate limit).
    func beat(_ hb: Heartbeat) async throws -> HeartbeatReply {
        let now = time()
        let before = await fleet.live(hb.device)?.record.beat?.health
        let (interval, flip) = await fleet.beat(hb, receivedAt: now)
        if let flip { try await recordUp(flip) }
        if let change = PowerWarningState.change(from: before, to: hb.health) {
            try await powerWarning(hb, change, at: now.wall)
        }
        return HeartbeatReply(serverTime: now.wall, intervalS: interval)
    }

    /// Logs a power warning appearing or clearing (issue #18) and tells a new under-voltage, damped by the planner.
    private func powerWarning(_ hb: Heartbeat, _ change: (state: PowerWarningState, words: String),
                              at: Date) async throws {
        let event = Event(device: hb.device, at: at, bootID: hb.bootID,
                          payload: .powerWarning(state: change.state, warnings: change.words))
        _ = try await stored("insert_events") { try await store.insertEvents([event], receivedAt: at) }
        logger.notice("\(hb.device): \(LogFormat.detail(event))")
        if change.state == .appeared, hb.health?.underVoltageNow == true, shared == nil || isLeading {
            await notifier?.observeUnderVoltage(device: hb.device, at: at)
        }
    }

    /// Commits an up flip from a beat. With several collectors the beat is stored first: the leader,
    /// reloading the new status, must also see the beat behind it, or it would call the device down again.
    private func recordUp(_ flip: FlipChange) async throws {
        if shared != nil, let beat = await fleet.live(flip.device)?.record.beat {
            try await stored("save_beats") { try await store.saveBeats([flip.device: beat], aliveAt: clock.now()) }
        }
        try await record([flip])
    }

    /// Handles `/ping/{token}` (and `/ping/{token}/fail` with `fail`) for the device the token named.
    public func ping(device name: String, fail: Bool) async throws {
        let now = time()
        if fail {
            if let flip = await fleet.fail(name, at: now.wall) { try await record([flip]) }
        } else if let flip = await fleet.ping(name, at: now) {
            try await recordUp(flip)
        }
    }

    /// Stores a batch of events once each (by id); all are committed before the answer.
    public func ingest(_ batch: EventBatch, token: String?) async throws -> EventBatchReply {
        guard let first = batch.events.first else { return EventBatchReply(accepted: []) }
        return try await ingest(batch, device: try await authorize(token, for: first.device, field: "events[0].device"))
    }

    /// Stores a batch whose token was already checked against `device`, the first event's device.
    func ingest(_ batch: EventBatch, device: String) async throws -> EventBatchReply {
        let now = clock.now()
        var events: [Event] = []
        for (i, var e) in batch.events.enumerated() {
            guard e.device == device else { throw APIError.wrongDevice("events[\(i)].device") }
            guard e.kind.isDeviceReported else {
                throw APIError(.badRequest, "kind \(e.kind.rawValue) is recorded by the collector only", field: "events[\(i)].kind")
            }
            if case .outage(var o) = e.payload, o.end == nil, let uptime = o.uptimeS {
                // The agent's clock was unsynced: anchor the end with ours.
                let end = now - uptime
                o.end = max(end, o.start ?? end)
                if let s = o.start { o.durationS = o.end!.timeIntervalSince(s) }
                e.payload = .outage(o)
            }
            events.append(e)
        }
        let accepted = try await stored("insert_events") { try await store.insertEvents(events, receivedAt: now) }
        await timelines.add(events, receivedAt: now)
        for e in events {
            guard case .storage(let state, let path) = e.payload else { continue }
            logger.notice("\(device): agent's state folder \(path) \(state.label)")
            // Told once per problem by the planner, like a flip: by the leader only.
            if shared == nil || isLeading {
                await notifier?.observeStorage(device: device, state: state, path: path, at: e.at)
            }
        }
        return EventBatchReply(accepted: accepted)
    }

    /// Creates a device for an agent holding the enrollment key and returns its token.
    public func enroll(_ req: EnrollRequest) async throws -> EnrollReply {
        guard let key = config.enrollmentKey else {
            throw APIError(.forbidden, "enrollment is off on this collector", field: "enrollment_key")
        }
        guard Tokens.constantTimeEqual(Tokens.hash(req.enrollmentKey), Tokens.hash(key)) else {
            throw APIError(.forbidden, "wrong enrollment key", field: "enrollment_key")
        }
        let token = try await addDevice(req.device).token
        logger.notice("\(req.device): enrolled")
        return EnrollReply(token: token)
    }

    /// Adds a device with a new token; 409 when the name is taken.
    public func addDevice(_ name: String) async throws -> (token: String, record: DeviceRecord) {
        let added = try await Self.addDevice(name, store: store, now: clock.now())
        await fleet.add(added.record, now: time())
        return added
    }

    // MARK: background work

    /// Applies liveness at the current time and commits the resulting flips; reloads devices the CLI changed.
    /// With several collectors, the leader also commits up flips for beats another collector stored,
    /// and every collector takes the stored beats before deciding what it shows.
    /// Returns the earliest moment another device turns down if no beat comes (nil when none can).
    @discardableResult
    public func sweep() async throws -> Date? {
        let leading = await leader.holdsLead()
        lead.withLock { l in
            l.leading = leading
            if !leading {
                l.notifyCursor = nil
                l.toldAlready = []
                l.held = []
                l.storedCursor = nil
            }
        }
        let t = time()
        await watchClock(t)
        let mark = try await store.externalChangeMark()
        if externalMark.withLock({ old in defer { old = mark }; return old != mark }) {
            await fleet.load(try await store.allDevices(), now: t, freshWindow: false)
            await timelines.reset()
            try await loadMaintenance()
        }
        if let shared {
            try await record(await fleet.mergeStored(try await shared.storedBeats(), leading: leading, now: time()))
        }
        let (flips, nextDown) = await fleet.sweep(now: time(), maintenance: maintenancePlan, recording: leading)
        if leading { try await record(flips) }
        return nextDown
    }

    /// Compares the wall clock with the monotonic one and reads the sync state: a step is a `clock_jump`
    /// of the collector (its log, the page, `/metrics`), never an outage. When an unsynchronised clock
    /// comes into sync, the beats received meanwhile are re-dated by the offset found.
    private func watchClock(_ t: CollectorTime) async {
        for case .synced(let offset, let since) in health.observeClock(t, synced: clockSync.isSynced())
        where abs(offset) > ClockStepDetector.defaultThreshold {
            let n = await fleet.redate(by: offset, from: since.steady, to: t.steady)
            logger.notice("re-dated the last beat of \(n) device(s) received while the clock was unsynchronised")
        }
    }

    /// The leader's notifications follow the flip rows of the log, whichever collector wrote them,
    /// from where the previous leader stopped.
    private func notifyFromLog(_ shared: any SharedStore) async throws {
        guard let notifier else { return }
        var cursor = lead.withLock { $0.notifyCursor }
        if cursor == nil { cursor = try await shared.notifyCursor() }
        let rows = try await shared.flips(afterSeq: cursor!, limit: 1000)
        let told = lead.withLock { l in
            defer { l.toldAlready.subtract(rows.map(\.event.id)) }
            return l.toldAlready
        }
        let flips = rows.compactMap { row -> FlipChange? in
            guard !told.contains(row.event.id), case .flip(let f) = row.event.payload, let to = DeviceStatus(rawValue: f.to) else { return nil }
            return FlipChange(device: row.event.device, status: to, event: row.event)
        }
        let now = clock.now()
        if !flips.isEmpty { await notifier.observe(flips, now: now) }
        let next = rows.last?.seq ?? cursor!
        // The planner decides a down within its group window, an up within its settle time, a new at once.
        let margin = 2 * config.sweepInterval
        let held = rows.map { row -> (seq: Int64, until: Date) in
            guard case .flip(let f) = row.event.payload else { return (row.seq, now) }
            let hold = f.to == "down" ? config.notifyGroupWindow : f.from == "down" ? config.notifySettle : 0
            return (row.seq, now + hold + margin)
        }
        let (stored, changed) = lead.withLock { l -> (Int64, Bool) in
            l.notifyCursor = next
            l.held += held
            l.held.removeAll { $0.until <= now }
            let stored = (l.held.map(\.seq).min() ?? (next + 1)) - 1
            defer { l.storedCursor = stored }
            return (stored, stored != l.storedCursor)
        }
        if changed { try await shared.setNotifyCursor(stored) }
    }

    /// Times a store write and tells `health` how it went: a store fault is logged once per change of state.
    func stored<T>(_ op: String, _ body: () async throws -> T) async throws -> T {
        do {
            let value = try await timedStore(op, body)
            health.storeSucceeded(at: time())
            return value
        } catch {
            health.storeFailed(error, at: time())
            throw error
        }
    }

    /// Flips recorded while the collector's clock is unsynchronised say so in their reason: their time
    /// is the collector's unsynchronised wall clock.
    static func marked(_ flips: [FlipChange], unsynced: Bool) -> [FlipChange] {
        guard unsynced else { return flips }
        return flips.map { f in
            guard case .flip(var r) = f.event.payload else { return f }
            var f = f
            r.reason += Self.unsyncedCaveat
            f.event.payload = .flip(r)
            return f
        }
    }

    /// What a flip recorded on an unsynchronised clock carries in its reason.
    public static let unsyncedCaveat = "; time uncertain: the collector's clock was not synchronised"

    /// The configured windows and the ones added with the CLI.
    var maintenancePlan: MaintenancePlan { maintenance.withLock { $0 } }

    private func loadMaintenance() async throws {
        let stored = try await store.maintenanceWindows()
        let windows = config.maintenance + stored
        maintenance.withLock { $0.windows = windows }
    }

    /// Commits flips (before any answer that depends on them) and logs them.
    private func record(_ proposed: [FlipChange]) async throws {
        guard !proposed.isEmpty else { return }
        // Shared store: the leader tells its own flips at once and the others' from the log; a follower
        // tells none. Marked before the write, so that a log read racing with it cannot tell them twice.
        let tellNow = shared == nil || (notifier != nil && isLeading)
        if shared != nil, tellNow { lead.withLock { $0.toldAlready.formUnion(proposed.map(\.event.id)) } }
        let flips: [FlipChange]
        do {
            let marked = Self.marked(proposed, unsynced: health.clockUnsynced)
            flips = try await stored("record_flips") { try await store.recordFlips(marked) }
        } catch {
            lead.withLock { $0.toldAlready.subtract(proposed.map(\.event.id)) }
            await fleet.unrecorded(proposed)
            throw error
        }
        if shared != nil, tellNow {
            let kept = Set(flips.map(\.event.id))
            lead.withLock { $0.toldAlready.subtract(proposed.map(\.event.id).filter { !kept.contains($0) }) }
        }
        guard !flips.isEmpty else { return }
        await timelines.add(flips.map(\.event), receivedAt: clock.now())
        changes.publish(flips)
        if tellNow { await notifier?.observe(flips, now: clock.now()) }
        for f in flips { logger.notice("\(f.device): \(f.describe)") }
    }

    /// Starts the notifications due now (called every second by the background service).
    /// With several collectors, the leader first takes the flips any of them wrote since the last tick.
    public func notifyTick() async {
        guard let notifier, isLeading else { return }
        if let shared {
            do { try await notifyFromLog(shared) } catch { logger.error("reading flips for notifications failed: \(error)") }
        }
        let count = await fleet.count
        await notifier.tick(now: clock.now(), deviceCount: count) { plan in await self.compose(plan) }
    }

    /// Puts a planned notification into words, with the outage facts known by now.
    func compose(_ p: NotificationPlanner.Planned) async -> Notification {
        let name = p.devices.first ?? ""
        let detail = p.devices.count == 1 ? try? await deviceDetail(name) : nil
        let at = LogFormat.isoOffset(p.at)
        switch p.kind {
        case .down:
            return Notification(kind: .down, devices: p.devices, title: "\(name) is DOWN",
                                text: "\(name) is down since \(at): \(p.reason).", at: p.at, outage: detail?.view.currentOutage)
        case .up:
            let o = detail?.view.lastOutage
            let how = o.map { "after \(Durations.text($0.durationS)) (\($0.cause.label)), down from \(LogFormat.isoOffset($0.start))" } ?? ""
            return Notification(kind: .up, devices: p.devices, title: "\(name) is back up",
                                text: "\(name) is back up \(how).", at: p.at, outage: o)
        case .new:
            return Notification(kind: .new, devices: p.devices, title: "New device \(name)",
                                text: "\(name) reported for the first time at \(at).", at: p.at)
        case .flapping:
            let now = detail?.view.status.rawValue ?? "unknown"
            return Notification(kind: .flapping, devices: p.devices, title: "\(name) is flapping",
                                text: "\(name) changed state \(p.flips) more times in the last \(Int(config.notifyDamp / 60)) minutes; now \(now).",
                                at: p.at)
        case .group:
            let what = p.reason == "up" ? "are back up" : "went down at once: likely a network or collector-side problem"
            return Notification(kind: .group, devices: p.devices, title: "\(p.devices.count) devices \(p.reason == "up" ? "back up" : "down")",
                                text: "\(p.devices.count) devices \(what) (\(p.devices.joined(separator: ", "))), at \(at).", at: p.at)
        case .storage:
            let parts = p.reason.split(separator: "|", maxSplits: 1).map(String.init)
            let (what, path) = (parts.first ?? "", parts.count > 1 ? parts[1] : "")
            return Notification(kind: .storage, devices: p.devices, title: "\(name): storage \(what)",
                                text: "\(name) is up, but its storage is \(what) since \(at) (\(path)): the agent runs from "
                                    + "memory, and an outage will not be found at its next boot until the folder is writable.",
                                at: p.at)
        case .underVoltage:
            let minutes = Int(config.notifyDamp / 60)
            let again = p.flips > 0 ? " It came back \(p.flips) more time(s) in the last \(minutes) minutes." : ""
            return Notification(kind: .underVoltage, devices: p.devices, title: "\(name): under-voltage",
                                text: "\(name) reports under-voltage at \(at): its power supply or cable is too weak, "
                                    + "the usual cause of a Pi's crashes and outages.\(again)", at: p.at)
        case .test:
            return Self.testNotification(at: p.at)
        }
    }

    /// The message `downtime-collector notify test` sends.
    public static func testNotification(at: Date) -> Notification {
        Notification(kind: .test, devices: ["test"], title: "DowntimeMon test",
                     text: "This is a test message from DowntimeMon, sent at \(LogFormat.isoOffset(at)).", at: at)
    }

    /// Writes the beats received since the last flush, and the collector's own alive mark.
    public func flush() async throws {
        let beats = await fleet.takeDirtyBeats()
        do {
            try await stored("save_beats") { try await store.saveBeats(beats, aliveAt: clock.now()) }
        } catch {
            await fleet.markDirty(beats.keys)
            throw error
        }
    }

    /// Housekeeping, run hourly: writes the daily availability of the last days and applies retention.
    /// Returns how many log rows retention deleted.
    @discardableResult
    public func housekeeping() async throws -> Int {
        guard isLeading else { return 0 }
        let now = clock.now()
        var rows: [(device: String, day: String, down: Double, known: Double)] = []
        for d in try await deviceDetails() {
            // Yesterday and today so far; older days were written on earlier runs.
            for day in d.days.suffix(2) where day.known > 0 {
                rows.append((d.view.name, String(WireTime.format(day.start).prefix(10)), day.down, day.known))
            }
        }
        try await stored("save_daily") { try await store.saveDaily(rows) }
        guard let days = config.retentionDays else { return 0 }
        let deleted = try await store.deleteEvents(before: now - Double(days) * 86_400)
        if deleted > 0 {
            await timelines.reset()
            logger.info("retention: deleted \(deleted) log rows older than \(days) days")
        }
        return deleted
    }

    // MARK: reading

    /// All devices with their outages and daily bars, down first, then by name.
    public func deviceDetails() async throws -> [DeviceDetail] {
        let now = clock.now()
        let store = self.store
        let timelines = try await self.timelines.all(now: now) { try await store.timelineEvents(since: $0, device: nil) }
        let plan = maintenancePlan
        // Sorted before the details are made: moving 10,000 details around cost more than making them.
        return await fleet.snapshot().sorted { ($0.status, $0.record.name) < ($1.status, $1.record.name) }.map { d in
            detail(d, rows: timelines[d.record.name] ?? [], plan: plan, now: now)
        }
    }

    /// All devices, down first, then by name.
    public func deviceViews() async throws -> [DeviceView] {
        try await deviceDetails().map(\.view)
    }

    public func deviceDetail(_ name: String) async throws -> DeviceDetail? {
        guard let d = await fleet.live(name) else { return nil }
        let now = clock.now()
        let store = self.store
        let rows = try await timelines.all(now: now) { try await store.timelineEvents(since: $0, device: nil) }[name] ?? []
        return detail(d, rows: rows, plan: maintenancePlan, now: now)
    }

    func detail(_ d: LiveDevice, rows: [StoredEvent], plan: MaintenancePlan, now: Date) -> DeviceDetail {
        var timeline = DeviceTimeline(rows: rows, now: now)
        if !plan.windows.isEmpty {
            // Maintenance is neither up nor down.
            timeline.unknown += plan.intervals(device: d.record.name, tags: d.record.tags,
                                               in: DateInterval(start: now - 31 * 86_400, end: now))
        }
        return DeviceViews.detail(d, timeline: timeline, now: now, policy: config.policy, defaultInterval: config.defaultInterval)
    }

    public func deviceView(_ name: String) async throws -> DeviceView? {
        try await deviceDetail(name)?.view
    }
}

extension Collector {
    /// Adds a device with a fresh token to `store` (used by the server and the CLI alike).
    public static func addDevice(_ raw: String, store: any Store, now: Date) async throws -> (token: String, record: DeviceRecord) {
        guard let name = DeviceName.normalize(raw) else {
            throw APIError(.badRequest, "device name must match [a-z0-9][a-z0-9._-]{0,62}", field: "device")
        }
        let token = Tokens.generate()
        let record = DeviceRecord(name: name, tokenHash: Tokens.hash(token), createdAt: now)
        do {
            try await store.addDevice(record)
        } catch StoreError.deviceExists {
            throw APIError(.conflict, "a device named \(name) already exists", field: "device")
        }
        return (token, record)
    }

    /// Pauses or resumes a device from outside the server; the running server picks it up on its next sweep.
    public static func setPaused(_ paused: Bool, name: String, store: any Store, now: Date,
                                 policy: LivenessPolicy, defaultInterval: Int) async throws -> Bool {
        guard let r = try await store.device(named: name) else { return false }
        guard r.paused != paused else { return true }
        // The status column keeps the pre-pause status; on resume the device gets a fresh window
        // from now, like after a collector restart (a down device stays down until it beats).
        let to: DeviceStatus = paused ? .paused : r.status
        let reason = paused ? "paused by admin" : "resumed by admin"
        return try await store.setPaused(paused, flip: Fleet.flip(name, from: paused ? r.status : .paused, to: to, at: now, reason: reason))
    }
}
