import CollectorRules
import DowntimeProtocol
import Foundation
import Logging
import Synchronization

/// What the notifier is told, and by which collector. With one collector, every flip it records. With several
/// on one store, only the leader tells: its own flips at once, the others' from the flip rows of the log,
/// from where the previous leader stopped (a cursor kept in the store). The cursor stays before flips whose
/// messages may still be held, so that a collector killed meanwhile (or a new leader) tells them.
public final class NotificationFeed: Sendable {
    /// Nil when no channel is configured.
    public let notifier: Notifier?
    /// The store's flip rows and cursor (both SQLite and PostgreSQL keep them; nil for a store without).
    let log: (any NotificationLog)?
    let leadership: Leadership
    let writer: MessageWriter
    /// The channels' digests (nil when none has `digest=`), sent by the leader.
    let digests: Digests?
    /// The channels' quiet hours' summaries (nil when none has `quiet=`), sent by the leader.
    let quiet: QuietSummaries?
    /// Acknowledgements, snoozes and critical devices (read every tick), and the down messages' links.
    let alerts: any Store
    let ackLinks: AckLinks
    let fleet: Fleet
    let clock: any WallClock
    let logger: Logger
    private struct LogPosition {
        /// Where the leader's notifications are in the log; nil until read from the store after taking the lead.
        var cursor: Int64?
        /// Flips the leader recorded and told its notifier at once: the log tail skips them.
        var toldAlready: Set<UUID> = []
        /// Flips read from the log, kept until the planner was given them and no longer holds their message
        /// (grouping, settling): the stored cursor stays before them, so that a collector restarted after a kill (or a
        /// leader taking over) tells them, and moves past them once told, so that it does not tell them again.
        var held: [(seq: Int64, flip: UUID, device: String)] = []
        /// Flips given to the planner whose rows may not be read yet (a flip told at once is observed after its write).
        var observed: Set<UUID> = []
        var storedCursor: NotifyCursor?
    }
    private let position = Mutex(LogPosition())

    init(
        notifier: Notifier?, store: any Store, leadership: Leadership, writer: MessageWriter, fleet: Fleet,
        clock: any WallClock, logger: Logger, digests: Digests? = nil, quiet: QuietSummaries? = nil,
        pageURL: String = ""
    ) {
        self.notifier = notifier
        self.digests = digests
        self.quiet = quiet
        self.log = store as? any NotificationLog
        self.alerts = store
        var base = pageURL
        while base.hasSuffix("/") { base.removeLast() }
        self.ackLinks = AckLinks(store: store, base: base)
        self.leadership = leadership
        self.writer = writer
        self.fleet = fleet
        self.clock = clock
        self.logger = logger
    }

    /// True when this collector tells what it observes (the only one, or the leader).
    private var telling: Bool { leadership.isLeading }

    /// Forgets the log position when the lead is lost: the next leader reads it from the store.
    func leadLost() {
        position.withLock { $0 = LogPosition() }
    }

    /// Called before `proposed` is written: returns whether this collector tells these flips itself.
    /// Marked before the write, so that a log read racing with it cannot tell them twice.
    func willRecord(_ proposed: [FlipChange]) -> Bool {
        willRecord(ids: proposed.map(\.event.id))
    }

    /// Called before rows the notifications follow (flips, `storage` events) are written: marked told at once when
    /// this collector tells them, so that the log tail does not tell them again; returns whether it tells them.
    @discardableResult
    func willRecord(ids: [UUID]) -> Bool {
        let tellNow = notifier != nil && leadership.isLeading
        if log != nil, tellNow, !ids.isEmpty { position.withLock { $0.toldAlready.formUnion(ids) } }
        return tellNow
    }

    /// Called after the write: the proposed flips the store did not keep (or all, when it failed) are not told.
    func settle(_ proposed: [FlipChange], recorded: [FlipChange]) {
        let kept = Set(recorded.map(\.event.id))
        notRecorded(proposed.map(\.event.id).filter { !kept.contains($0) })
    }

    /// After a write that did not keep these rows: they are not told (the sender sends them again).
    func notRecorded(_ ids: [UUID]) {
        guard !ids.isEmpty else { return }
        position.withLock { $0.toldAlready.subtract(ids) }
    }

    /// Tells the notifier flips this collector recorded (when `willRecord` said so).
    func tell(_ flips: [FlipChange]) async {
        guard let notifier else { return }
        await notifier.observe(.flips(flips, now: clock.now()))
        if log != nil { position.withLock { $0.observed.formUnion(flips.map(\.event.id)) } }
    }

    /// An agent's storage problem (its stored `storage` event `id`), told once per problem by the planner, like a
    /// flip: the log's cursor stays before the event until its message went out, so that a collector killed in
    /// between tells it after its restart (campaign seed 307).
    func storage(id: UUID, device: String, state: StorageState, path: String, at: Date) async {
        guard telling, let notifier else { return }
        await notifier.observe(.storage(device: device, state: state, path: path, at: at, event: id))
        if log != nil { position.withLock { _ = $0.observed.insert(id) } }
    }

    /// The collector's wall clock stepped: the planner's waits move with it (every collector's planner, leading or
    /// not: one that takes the lead keeps what it held).
    func clockStepped(by step: TimeInterval) async {
        await notifier?.observe(.clockStepped(by: step))
    }

    /// A UPS event this collector stored (only the leader polls), told through the planner.
    func ups(_ event: UPSEvent) async {
        guard telling else { return }
        await notifier?.observe(.ups(event))
    }

    /// Service check flips this collector recorded (when `willRecord(ids:)` said so), held, grouped and damped by the
    /// planner; like a flip, the log's cursor stays before each until its message went out, so that a collector killed
    /// in between tells it after its restart.
    func checks(_ flips: [CheckFlip]) async {
        guard telling, let notifier else { return }
        await notifier.observe(.checkFlips(flips, now: clock.now()))
        if log != nil { position.withLock { $0.observed.formUnion(flips.map(\.id)) } }
    }

    /// Job flips this collector recorded (when `willRecord(ids:)` said so), told and damped by the planner.
    func jobs(_ flips: [JobFlip]) async {
        guard telling, let notifier else { return }
        await notifier.observe(.jobFlips(flips, now: clock.now()))
        if log != nil { position.withLock { $0.observed.formUnion(flips.map(\.id)) } }
    }

    /// A device's under-voltage appearing, damped by the planner.
    func underVoltage(device: String, at: Date) async {
        guard telling else { return }
        await notifier?.observe(.underVoltage(device: device, at: at))
    }

    /// Incidents the leader just recorded: a new one is one message, replacing its members' held ones.
    func incidents(new: [Incident], updated: [Incident]) async {
        guard telling, let notifier else { return }
        let now = clock.now()
        for i in new { await notifier.observe(.incident(i, new: true, now: now)) }
        for i in updated { await notifier.observe(.incident(i, new: false, now: now)) }
    }

    /// Starts the notifications due now (called every second by the background service).
    /// The leader first takes the flips written since the last tick that it was not told at once: another
    /// collector's, or (after a restart) those whose messages the killed process still held; once the due messages
    /// went out, the stored cursor moves past the flips told.
    public func tick() async {
        guard let notifier, leadership.isLeading else { return }
        if let log {
            do { try await readLog(log) } catch { logger.error("reading flips for notifications failed: \(error)") }
        }
        let count = await fleet.count
        let sites = await fleet.sites()
        // Down in the record (not late, unreachable, paused or in maintenance): since its down flip. Read only for
        // channels with reminders: the whole fleet every second is work for nothing otherwise.
        let down = notifier.reminds ? await downNow() : [:]
        let writer = self.writer
        let now = clock.now()
        await readAlerts(down: down, now: now, into: notifier)
        let (links, fleet, reminds) = (ackLinks, self.fleet, notifier.reminds)
        // One snapshot of the fleet per tick at most, and only when a message needs an ack link.
        let linkDown = AsyncLazy { reminds ? down : await Self.downNow(fleet) }
        let told = await notifier.tick(
            now: now, deviceCount: count, sites: sites, down: down,
            compose: { plan in
                let n = await writer.compose(plan)
                guard AckLinks.tellsOutage(plan) else { return n }
                return await links.linked(n, plan: plan, down: await linkDown.get(), now: now)
            },
            remind: { devices, now in
                // A reminder tells outages going on: it carries its own link to acknowledge them.
                let n = MessageWriter.reminder(devices, now: now, time: writer.time)
                let outages = devices.map { AckLink.Outage(device: $0.name, since: $0.since) }
                return await links.linked(n, outages: outages, now: now)
            })
        if let log {
            do {
                for id in told { try await log.markIncidentTold(id, at: now) }
                try await storeCursor(log)
            } catch { logger.error("storing what was told failed: \(error)") }
        }
        await digests?.tick(now: now)
        await quiet?.tick(now: now)
    }

    /// The devices down in the record now (name → down since).
    private func downNow() async -> [String: Date] { await Self.downNow(fleet) }

    private static func downNow(_ fleet: Fleet) async -> [String: Date] {
        Dictionary(
            (await fleet.snapshot()).filter { $0.status == .down && $0.record.status == .down }
                .map { ($0.record.name, $0.record.statusSince) }, uniquingKeysWith: { a, _ in a })
    }

    /// Gives the planner the stored acknowledgements, snoozes and critical marks (CLI, pages and links write them
    /// on any collector), with the incidents going on when an acknowledged device is down (one ack per incident).
    private func readAlerts(down: [String: Date], now: Date, into notifier: Notifier) async {
        do {
            var state = try await alerts.deviceAlerts()
            if state.acks.keys.contains(where: { down[$0] != nil }) {
                state.incidents = try await alerts.incidents(since: now - 31 * 86_400).filter { $0.end == nil }
            }
            await notifier.observe(.alerts(state))
        } catch {
            logger.error("reading acknowledgements and snoozes failed: \(error)")
        }
    }

    /// The leader's notifications follow the flip rows of the log, whichever collector wrote them.
    private func readLog(_ store: any NotificationLog) async throws {
        guard let notifier else { return }
        var cursor = position.withLock { $0.cursor }
        let first = cursor == nil
        var rows: [StoredEvent] = []
        if first {
            let stored = try await store.notifyCursor()
            cursor = stored.seq
            rows = try await Self.heldRows(stored, in: store)
        }
        guard let cursor else { return }
        rows += try await store.toldEvents(afterSeq: cursor, limit: 1000)
        let told = position.withLock { state in
            defer { state.toldAlready.subtract(rows.map(\.event.id)) }
            return state.toldAlready
        }
        let now = clock.now()
        // Each as of when it was recorded: a message held before a crash keeps its hold, not a new one from now.
        for row in rows where !told.contains(row.event.id) {
            switch row.event.payload {
            case .flip(let flip):
                let change = FlipChange(device: row.event.device, status: flip.to, event: row.event)
                await notifier.observe(.flips([change], now: min(now, row.receivedAt)))
            case .storage(let state, let path):
                await notifier.observe(
                    .storage(device: row.event.device, state: state, path: path, at: row.event.at, event: row.event.id))
            case .check(let record):
                // The row does not say `notify`; the check's current result does (a check set `notify=no` stays so).
                let current = await fleet.live(row.event.device)?.record.beat?.checks?.results
                let notify = current?.first { $0.name == record.name }?.notify ?? true
                let flip = CheckFlip(
                    id: row.event.id, device: row.event.device, record: record, at: row.event.at, notify: notify)
                await notifier.observe(.checkFlips([flip], now: min(now, row.receivedAt)))
            case .jobFlip:
                guard let flip = JobFlip(row.event) else { continue }
                await notifier.observe(.jobFlips([flip], now: min(now, row.receivedAt)))
            default: continue
            }
        }
        // After a start or a hand-over: incidents whose message a killed leader still held are told now (the replayed
        // flips of their members first, so that the incident drops their messages again).
        if first {
            for incident in try await store.untoldIncidents(since: now - 31 * 86_400) {
                await notifier.observe(.incident(incident, new: true, now: now))
            }
        }
        let next = max(cursor, rows.last?.seq ?? cursor)
        position.withLock { state in
            state.cursor = next
            // A storage, check or job row is held only while its own message is (`NotificationPlanner.holding`), not while
            // its device's incident waits: the planner's once-per-problem memory is gone after a restart (seed 337).
            state.held += rows.map { row in
                (
                    seq: row.seq, flip: row.event.id,
                    device: [.storage, .check, .jobFlip].contains(row.event.kind) ? "" : row.event.device
                )
            }
            state.observed.formUnion(rows.filter { !told.contains($0.event.id) }.map(\.event.id))
        }
    }

    /// The rows a stored cursor lists as held, in log order.
    private static func heldRows(_ cursor: NotifyCursor, in store: any NotificationLog) async throws -> [StoredEvent] {
        guard let oldest = cursor.held.first else { return [] }
        let wanted = Set(cursor.held)
        var rows: [StoredEvent] = []
        var after = oldest - 1
        while after < cursor.seq {
            let page = try await store.toldEvents(afterSeq: after, limit: 1000)
            rows += page.filter { $0.seq <= cursor.seq && wanted.contains($0.seq) }
            guard let last = page.last?.seq else { break }
            after = last
        }
        return rows
    }

    /// Stores the cursor after the rows read and the list of those whose message is not told yet (after the tick's
    /// messages went out), when either changed.
    private func storeCursor(_ store: any NotificationLog) async throws {
        guard let notifier else { return }
        let (waiting, next) = position.withLock { state in
            (state.held.filter { state.observed.contains($0.flip) }, state.cursor)
        }
        guard let next else { return }
        let holding =
            waiting.isEmpty
            ? []
            : await notifier.holding(Dictionary(waiting.map { ($0.flip, $0.device) }, uniquingKeysWith: { a, _ in a }))
        let (stored, changed) = position.withLock { state -> (NotifyCursor, Bool) in
            let released = Set(waiting.map(\.flip)).subtracting(holding)
            state.held.removeAll { released.contains($0.flip) }
            state.observed.subtract(released)
            let stored = NotifyCursor.after(next, holding: state.held.map(\.seq))
            defer { state.storedCursor = stored }
            return (stored, stored != state.storedCursor)
        }
        if changed { try await store.setNotifyCursor(stored) }
    }
}
