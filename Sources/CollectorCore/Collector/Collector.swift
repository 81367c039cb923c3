import CollectorRules
import DowntimeProtocol
import Foundation
import Logging
import Synchronization

/// The collector's ingest and read facade over the store and the fleet, independent of HTTP: beats, pings
/// and events in, liveness sweeps and flushes, devices and logs out. Leadership, notifications, housekeeping
/// and device administration are types of their own that it holds.
public final class Collector: Sendable {
    let store: any Store
    /// Set when several collectors share the store: then only the leader records sweep flips and notifies.
    let shared: (any SharedStore)?
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
    let maintenance: MaintenanceSchedule
    /// The flips this collector records, for open event streams (the overview's live changes).
    public let changes: ChangeFeed
    let logger: Logger
    private let externalMark: Mutex<Int>
    public let leadership: Leadership
    public let notifications: NotificationFeed
    public let housekeeping: Housekeeping
    /// The leader's recording of incidents across sites (issue #17).
    public let incidentRecorder: IncidentRecorder
    /// Device changes of the server itself (enrolment); the CLI makes its own on the same store.
    public let admin: DeviceAdmin
    let reader: DeviceReader
    let logs: LogReader
    /// The configured UPSes' newest states (see `Collector+UPS`).
    let upsBoard: Mutex<UPSBoard>

    private init(
        store: any Store, config: CollectorConfig, clock: any WallClock, monotonic: any MonotonicClock,
        clockSync: any ClockSyncProbe, health: CollectorHealth, startedAt: Date, mark: Int, logger: Logger
    ) {
        self.store = store
        self.shared = store as? any SharedStore
        self.config = config
        self.clock = clock
        self.monotonic = monotonic
        self.clockSync = clockSync
        self.health = health
        self.startedAt = startedAt
        self.fleet = Fleet(policy: config.policy, defaultInterval: config.defaultInterval)
        self.maintenance = MaintenanceSchedule(configured: config.maintenance)
        self.logger = logger
        self.changes = ChangeFeed(run: ChangeFeed.runID(startedAt: startedAt))
        self.externalMark = Mutex(mark)
        self.leadership = Leadership(store: store, logger: logger)
        self.reader = DeviceReader(
            store: store, fleet: fleet, timelines: timelines, maintenance: maintenance,
            policy: config.policy, defaultInterval: config.defaultInterval, clock: clock)
        self.logs = LogReader(store: store)
        self.upsBoard = Mutex(UPSBoard(names: config.nutServers.flatMap { spec in spec.ups.map(spec.name(of:)) }))
        self.admin = DeviceAdmin(store: store, clock: clock)
        let notifier =
            config.notifiers.isEmpty
            ? nil
            : Notifier(
                specs: config.notifiers,
                planner: NotificationPlanner(
                    damp: config.notifyDamp, groupWindow: config.notifyGroupWindow,
                    // A UPS's lost connection is told once it outlasts two first backoff steps.
                    settle: config.notifySettle, upsHold: 2 * (config.nutBackoff.first ?? config.nutPollInterval)),
                store: store, logger: logger, reminderHold: config.notifyGroupWindow + 2 * config.sweepInterval)
        self.notifications = NotificationFeed(
            notifier: notifier, store: store, leadership: leadership,
            writer: MessageWriter(reader: reader, damp: config.notifyDamp, time: config.localTime), fleet: fleet,
            timing: .init(
                sweepInterval: config.sweepInterval, groupWindow: config.notifyGroupWindow, settle: config.notifySettle),
            clock: clock, logger: logger)
        self.incidentRecorder = IncidentRecorder(
            store: store, reader: reader, leadership: leadership,
            settings: .init(grace: config.policy.grace, site: config.site, nutServers: config.nutServers), clock: clock,
            logger: logger)
        self.housekeeping = Housekeeping(
            store: store, reader: reader, timelines: timelines, leadership: leadership, health: health,
            retentionDays: config.retentionDays, time: { CollectorTime.now(wall: clock, monotonic: monotonic) },
            logger: logger)
    }

    /// Both clocks read now.
    public func time() -> CollectorTime { CollectorTime.now(wall: clock, monotonic: monotonic) }

    /// Starts a collector run on `store`: records the time the previous run was away as `collector_down`
    /// (unknown, not downtime) in every device's log and loads the devices.
    /// The time away is measured on the wall clock (nothing else spans a restart): a clock behind the
    /// previous run's last alive mark (a box without a real-time clock, not yet synchronised) records
    /// nothing, since the time away is then unknowable; a clock stepped ahead between runs lengthens it.
    /// Either way it is `unknown` time, never downtime, and no device is judged on it (fresh windows).
    public static func start(
        store: any Store, config: CollectorConfig, clock: any WallClock = SystemWallClock(),
        monotonic: any MonotonicClock = SystemMonotonicClock(),
        clockSync: (any ClockSyncProbe)? = nil,
        logger: Logger = Logger(label: "downtime-collector")
    ) async throws -> Collector {
        let started = CollectorTime.now(wall: clock, monotonic: monotonic)
        let now = started.wall
        let sync = clockSync ?? LinuxClockSyncProbe(flagFile: config.clockSyncFile)
        let health = CollectorHealth(logger: logger, dataDir: config.database == nil ? config.dataDir : nil)
        health.observeClock(started, synced: sync.isSynced())
        let previousAlive = try await store.beginRun(at: now)
        let devices = try await store.allDevices()
        if let previousAlive, now < previousAlive {
            logger.warning(
                """
                the clock (\(WireTime.format(now))) is behind the previous run's last alive mark \
                (\(WireTime.format(previousAlive))): the time the collector was away is unknown and not recorded
                """)
        } else if let previousAlive, now.timeIntervalSince(previousAlive) > config.flushInterval {
            let records = devices.filter { $0.createdAt <= previousAlive }.map {
                Event(
                    device: $0.name, at: previousAlive, bootID: nil,
                    payload: .collectorDown(start: previousAlive, end: now))
            }
            if !records.isEmpty { _ = try await store.insertEvents(records, receivedAt: now) }
            health.collectorDown(from: previousAlive, to: now)
            let away = "\(WireTime.format(previousAlive)) to \(WireTime.format(now))"
            logger.notice("collector was away from \(away); recorded as unknown")
        }
        // The collector's own history survives a restart (issue #26): earlier runs' records before this run's.
        health.restore(try await store.collectorRecords(limit: CollectorHealth.maxRecords))
        let collector = Collector(
            store: store, config: config, clock: clock, monotonic: monotonic, clockSync: sync,
            health: health, startedAt: now, mark: try await store.externalChangeMark(),
            logger: logger)
        await collector.fleet.load(devices, now: started, freshWindow: true)
        try await collector.maintenance.reload(from: store)
        if collector.shared != nil { await collector.leadership.refresh() }
        return collector
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
        guard let token else { throw IngestError.missingToken }
        guard let owner = try await owner(ofToken: token) else { throw IngestError.badToken }
        guard owner == device else { throw IngestError.wrongDevice(field: field) }
        return owner
    }

    /// Handles a heartbeat; a resulting flip (new → up, down → up) is committed before the answer.
    public func heartbeat(_ heartbeat: Heartbeat, token: String?) async throws -> HeartbeatReply {
        _ = try await authorize(token, for: heartbeat.device)
        return try await beat(heartbeat)
    }

    /// A heartbeat whose token was already checked against its device (the route authorizes once, before
    /// its rate limit).
    func beat(_ heartbeat: Heartbeat) async throws -> HeartbeatReply {
        let now = time()
        let before = await fleet.live(heartbeat.device)?.record.beat?.health
        let (interval, flip) = await fleet.beat(heartbeat, receivedAt: now)
        if let flip { try await recordUp(flip) }
        if let change = PowerWarningState.change(from: before, to: heartbeat.health) {
            try await powerWarning(heartbeat, change, at: now.wall)
        }
        return HeartbeatReply(serverTime: now.wall, intervalS: interval)
    }

    /// Logs a power warning appearing or clearing (issue #18) and tells a new under-voltage, damped by the planner.
    private func powerWarning(
        _ heartbeat: Heartbeat, _ change: (state: PowerWarningState, words: String),
        at: Date
    ) async throws {
        let event = Event(
            device: heartbeat.device, at: at, bootID: heartbeat.bootID,
            payload: .powerWarning(state: change.state, warnings: change.words))
        _ = try await stored("insert_events") { try await store.insertEvents([event], receivedAt: at) }
        logger.notice("\(heartbeat.device): \(LogFormat.detail(event))")
        if change.state == .appeared, heartbeat.health?.underVoltageNow == true {
            await notifications.underVoltage(device: heartbeat.device, at: at)
        }
    }

    /// Commits an up flip from a beat. With several collectors the beat is stored first: the leader,
    /// reloading the new status, must also see the beat behind it, or it would call the device down again.
    private func recordUp(_ flip: FlipChange) async throws {
        if shared != nil, let beat = await fleet.live(flip.device)?.record.beat {
            do {
                try await stored("save_beats") { try await store.saveBeats([flip.device: beat], aliveAt: clock.now()) }
            } catch {
                // Not recorded, so not in memory either: the next beat proposes it again (issue #26's campaign: a
                // database away at a device's return left memory up and the store down until its next outage).
                await fleet.unrecorded([flip])
                throw error
            }
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
        for (index, var event) in batch.events.enumerated() {
            guard event.device == device else { throw IngestError.wrongDevice(field: "events[\(index)].device") }
            guard event.kind.isDeviceReported else {
                throw IngestError.collectorOnly(event.kind, field: "events[\(index)].kind")
            }
            if case .outage(var outage) = event.payload, outage.end == nil, let uptime = outage.uptimeS {
                // The agent's clock was unsynced: anchor the end with ours.
                let end = now - uptime
                outage.end = max(end, outage.start ?? end)
                if let start = outage.start { outage.durationS = outage.end!.timeIntervalSince(start) }
                event.payload = .outage(outage)
            }
            events.append(event)
        }
        let accepted = try await stored("insert_events") { try await store.insertEvents(events, receivedAt: now) }
        await timelines.add(events, receivedAt: now)
        if events.contains(where: \.kind.shapesTimeline) { incidentRecorder.outagesChanged() }
        for event in events {
            guard case .storage(let state, let path) = event.payload else { continue }
            logger.notice("\(device): agent's state folder \(path) \(state.label)")
            await notifications.storage(device: device, state: state, path: path, at: event.at)
        }
        return EventBatchReply(accepted: accepted)
    }

    /// Creates a device for an agent holding the enrollment key and returns its token.
    public func enroll(_ request: EnrollRequest) async throws -> EnrollReply {
        guard let key = config.enrollmentKey else {
            throw IngestError.enrollmentOff
        }
        guard Tokens.constantTimeEqual(Tokens.hash(request.enrollmentKey), Tokens.hash(key)) else {
            throw IngestError.wrongEnrollmentKey
        }
        let token: String
        do { token = try await addDevice(request.device).token } catch let error as AdminError {
            throw IngestError.refused(error)
        }
        logger.notice("\(request.device): enrolled")
        return EnrollReply(token: token)
    }

    /// Adds a device with a new token (`DeviceAdmin.add`) and starts watching it at once.
    public func addDevice(_ name: String) async throws -> (token: String, record: DeviceRecord) {
        let added = try await admin.add(name)
        await fleet.add(added.record, now: time())
        return added
    }

    /// Takes a change the server itself made through `admin` (the browser's admin pages) into the fleet at once:
    /// a new token works and an old one stops now, not at the next sweep.
    public func adminChanged() async throws {
        await fleet.load(try await store.allDevices(), now: time(), freshWindow: false)
        await timelines.reset()
        incidentRecorder.outagesChanged()
        try await maintenance.reload(from: store)
    }

    // MARK: background work

    /// Applies liveness at the current time and commits the resulting flips; reloads devices the CLI changed.
    /// With several collectors, the leader also commits up flips for beats another collector stored,
    /// and every collector takes the stored beats before deciding what it shows.
    /// Returns the earliest moment another device turns down if no beat comes (nil when none can).
    @discardableResult
    public func sweep() async throws -> Date? {
        let leading = await leadership.refresh()
        if !leading { notifications.leadLost() }
        let now = time()
        try await watchClock(now)
        // Through `stored`: a database that answers again is seen back here, within a sweep.
        let mark = try await stored("change_mark") { try await store.externalChangeMark() }
        if externalMark.withLock({ old in
            defer { old = mark }
            return old != mark
        }) {
            await fleet.load(try await store.allDevices(), now: now, freshWindow: false)
            await timelines.reset()
            // A site changed, or another collector stored outages: correlate again.
            incidentRecorder.outagesChanged()
            try await maintenance.reload(from: store)
        }
        if let shared {
            try await record(await fleet.mergeStored(try await shared.storedBeats(), leading: leading, now: time()))
        }
        let (flips, nextDown) = await fleet.sweep(now: time(), maintenance: maintenance.current, recording: leading)
        if leading { try await record(flips) }
        return nextDown
    }

    /// The collector's own loop slept `overslept` seconds longer than it asked: the process was stopped (SIGSTOP,
    /// a paused VM, a swap storm) and heard nothing meanwhile. Devices get a fresh window, so their silence in that
    /// time calls none of them down (issue #26); a long stall is one of the collector's records.
    public func stalled(for overslept: TimeInterval) async {
        let now = time()
        await fleet.freshWindows(now: now)
        guard overslept >= Self.recordedStall else { return }
        health.stalled(for: overslept, at: now.wall)
        logger.warning("collector did not run for \(Int(overslept.rounded())) s: every device's window starts again")
    }

    /// A stall this long is recorded and logged; a shorter one (a loaded machine) only resets the windows.
    static let recordedStall: TimeInterval = 5

    /// Compares the wall clock with the monotonic one and reads the sync state: a step is a `clock_jump`
    /// of the collector (its log, the page, `/metrics`), never an outage. When an unsynchronised clock
    /// comes into sync, the beats received and the flips recorded meanwhile are re-dated by the offset found.
    private func watchClock(_ now: CollectorTime) async throws {
        for case .synced(let offset, let since) in health.observeClock(now, synced: clockSync.isSynced())
        where abs(offset) > ClockStepDetector.defaultThreshold {
            let count = await fleet.redate(by: offset, from: since.steady, to: now.steady)
            logger.notice("re-dated the last beat of \(count) device(s) received while the clock was unsynchronised")
            // The flips recorded meanwhile too (issue #26), and the pages read them anew.
            let window = UnsyncedRedating.window(unsyncedSince: since.wall, syncedAt: now.wall, offset: offset)
            let flips = try await stored("redate_flips") {
                try await store.redateUnsyncedFlips(receivedIn: window, by: offset)
            }
            guard flips > 0 else { continue }
            await fleet.shiftStatusSince(by: offset, in: window)
            await timelines.reset()
            incidentRecorder.outagesChanged()
            logger.notice("re-dated \(flips) flip(s) recorded while the clock was unsynchronised")
        }
    }

    /// Times a store write and tells `health` how it went: a store fault is logged once per change of state.
    func stored<T>(_ op: String, _ body: () async throws -> T) async throws -> T {
        try await health.timedWrite(op, at: time, body)
    }

    /// `body`'s value, or `fallback` when the store fails now (noted in `health`): for what a page can show
    /// without, so the page still says what is known from memory while the database is away.
    func unlessStoreFails<T>(_ fallback: T, _ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch {
            guard health.storeFailed(error, at: time()) != nil else { throw error }
            return fallback
        }
    }

    /// Flips recorded while the collector's clock is unsynchronised say so in their reason: their time
    /// is the collector's unsynchronised wall clock.
    static func marked(_ flips: [FlipChange], unsynced: Bool) -> [FlipChange] {
        guard unsynced else { return flips }
        return flips.map { change in
            guard case .flip(var flip) = change.event.payload else { return change }
            var marked = change
            flip.reason += UnsyncedRedating.caveat
            marked.event.payload = .flip(flip)
            return marked
        }
    }

    /// Commits flips (before any answer that depends on them), tells them and logs them.
    private func record(_ proposed: [FlipChange]) async throws {
        guard !proposed.isEmpty else { return }
        let tellNow = notifications.willRecord(proposed)
        let flips: [FlipChange]
        do {
            let marked = Self.marked(proposed, unsynced: health.clockUnsynced)
            flips = try await stored("record_flips") { try await store.recordFlips(marked) }
        } catch {
            notifications.settle(proposed, recorded: [])
            await fleet.unrecorded(proposed)
            throw error
        }
        notifications.settle(proposed, recorded: flips)
        guard !flips.isEmpty else { return }
        await timelines.add(flips.map(\.event), receivedAt: clock.now())
        incidentRecorder.outagesChanged()
        changes.publish(flips)
        if tellNow { await notifications.tell(flips) }
        for flip in flips { logger.notice("\(flip.device): \(flip.describe)") }
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
        // The collector's own records, once the store takes them (a `store_failing` one after its recovery).
        let records = health.takeUnsaved()
        do {
            try await stored("save_collector_records") { try await store.saveCollectorRecords(records) }
        } catch {
            health.unsavable(records)
            throw error
        }
    }

    // MARK: reading

    /// All devices with their outages and daily bars, down first, then by name.
    public func deviceDetails() async throws -> [DeviceDetail] {
        try await reader.deviceDetails()
    }

    /// All devices, down first, then by name.
    public func deviceViews() async throws -> [DeviceView] {
        try await reader.deviceDetails().map(\.view)
    }

    public func deviceDetail(_ name: String) async throws -> DeviceDetail? {
        try await reader.deviceDetail(name)
    }

    public func deviceView(_ name: String) async throws -> DeviceView? {
        try await reader.deviceDetail(name)?.view
    }

    /// A device's log, oldest first (see `LogReader.log`); nil when there is no such device.
    public func log(device: String, since: Date? = nil, afterSeq: Int64? = nil, limit: Int) async throws
        -> [StoredEvent]?
    {
        try await logs.log(device: device, since: since, afterSeq: afterSeq, limit: limit)
    }

    /// A device's newest delivery attempts, newest first.
    public func deliveries(device: String, limit: Int) async throws -> [DeliveryRecord] {
        try await logs.deliveries(device: device, limit: limit)
    }
}
