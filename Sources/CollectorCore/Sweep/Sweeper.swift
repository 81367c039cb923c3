import CollectorRules
import DowntimeProtocol
import Foundation
import Logging
import Synchronization

/// The collector's periodic judgement: liveness sweeps and their flips, beats flushed to the store, the clock
/// watched, incidents correlated, and the leader's hourly chores (`housekeeping`).
public final class Sweeper: Sendable {
    let store: any Store
    /// Set when several collectors share the store: the beats others stored are merged in each sweep.
    let shared: (any SharedStore)?
    let fleet: Fleet
    let timelines: TimelineCache
    let maintenance: MaintenanceSchedule
    let leadership: Leadership
    let notifications: NotificationFeed
    let health: CollectorHealth
    let incidents: IncidentRecorder
    public let flips: FlipRecorder
    public let housekeeping: Housekeeping
    let admin: FleetAdmin
    let clockSync: any ClockSyncProbe
    let clock: CollectorClock
    let logger: Logger
    /// The store's change mark as last read: another process (the CLI, another collector) changed devices.
    private let externalMark: Mutex<Int>
    /// The store's recoveries as last seen by a sweep (`CollectorHealth.storeRecoveries`).
    private let seenRecoveries = Mutex(0)

    struct Parts {
        var store: any Store
        var fleet: Fleet
        var timelines: TimelineCache
        var maintenance: MaintenanceSchedule
        var leadership: Leadership
        var notifications: NotificationFeed
        var health: CollectorHealth
        var incidents: IncidentRecorder
        var flips: FlipRecorder
        var housekeeping: Housekeeping
        var admin: FleetAdmin
    }

    init(_ p: Parts, clockSync: any ClockSyncProbe, clock: CollectorClock, mark: Int, logger: Logger) {
        store = p.store
        shared = p.store as? any SharedStore
        fleet = p.fleet
        timelines = p.timelines
        maintenance = p.maintenance
        leadership = p.leadership
        notifications = p.notifications
        health = p.health
        incidents = p.incidents
        flips = p.flips
        housekeeping = p.housekeeping
        admin = p.admin
        self.clockSync = clockSync
        self.clock = clock
        self.logger = logger
        externalMark = Mutex(mark)
    }

    /// Applies liveness at the current time and commits the resulting flips; reloads devices the CLI changed.
    /// With several collectors, the leader also commits up flips for beats another collector stored,
    /// and every collector takes the stored beats before deciding what it shows.
    /// Returns the earliest moment another device turns down if no beat comes (nil when none can).
    @discardableResult
    public func sweep() async throws -> Date? {
        let leading = await leadership.refresh()
        if !leading { notifications.leadLost() }
        let now = clock.now()
        try await watchClock(now)
        // Through `stored`: a database that answers again is seen back here, within a sweep.
        let mark = try await flips.stored("change_mark") { try await store.externalChangeMark() }
        if externalMark.withLock({ old in
            defer { old = mark }
            return old != mark
        }) {
            // A site changed, or another collector stored outages: correlate again.
            try await admin.reload(now: now)
        }
        if shared != nil { await excuseStoreOutage() }
        if let shared {
            let stored = try await shared.storedBeats()
            try await flips.record(await fleet.mergeStored(stored, leading: leading, now: clock.now()))
        }
        let (proposed, nextDown) = await fleet.sweep(
            now: clock.now(), maintenance: maintenance.current, recording: leading)
        if leading { try await flips.record(proposed) }
        return nextDown
    }

    /// With several collectors, the beats another collector received while the database was away are still in its
    /// memory, flushed only when the database takes them: the stored beats say nothing of that time. After a
    /// recovery every device gets a fresh window, as after a stall, so none is called down for it (the two-collector
    /// test's database restart: a device beating to the follower was called down by the leader, back 1 s later).
    private func excuseStoreOutage() async {
        let recoveries = health.storeRecoveries
        guard
            seenRecoveries.withLock({ seen in
                defer { seen = recoveries }
                return seen != recoveries
            })
        else { return }
        await fleet.freshWindows(now: clock.now(), stalledFor: 0)
        logger.notice(
            "the database is back: every device's window starts again (other collectors flush what they held)")
    }

    /// The collector's own loop slept `overslept` seconds longer than it asked: the process was stopped (SIGSTOP,
    /// a paused VM, a swap storm) and heard nothing meanwhile. Devices get a fresh window, so their silence in that
    /// time calls none of them down; a long stall is one of the collector's records.
    public func stalled(for overslept: TimeInterval) async {
        let now = clock.now()
        await fleet.freshWindows(now: now, stalledFor: overslept)
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
        for change in health.observeClock(now, synced: clockSync.isSynced()) {
            switch change {
            case .synced(let offset, let since) where abs(offset) > ClockStepDetector.defaultThreshold:
                let count = await fleet.redate(by: offset, from: since.steady, to: now.steady)
                logger.notice(
                    "re-dated the last beat of \(count) device(s) received while the clock was unsynchronised")
                // The flips recorded meanwhile too, and the pages read them anew.
                let window = UnsyncedRedating.window(unsyncedSince: since.wall, syncedAt: now.wall, offset: offset)
                let moved = try await flips.stored("redate_flips") {
                    try await store.redateUnsyncedFlips(receivedIn: window, by: offset)
                }
                guard moved > 0 else { continue }
                await fleet.shiftStatusSince(by: offset, in: window)
                await timelines.reset()
                incidents.outagesChanged()
                logger.notice("re-dated \(moved) flip(s) recorded while the clock was unsynchronised")
            case .steppedBack(let offset, let since, let gap):
                // The clock went away and came back: what this process recorded on the stepped clock (told by the
                // clock's offset when it was recorded, since the reading before the one that found the step) is dated
                // on the right clock again.
                let stepped = now.wall.timeIntervalSince(now.steady) - offset
                let ids = flips.recorded(after: since.steady - gap, atOffset: stepped)
                try await redateExcursion(ids, by: offset)
            case .jump(let step):
                await notifications.clockStepped(by: step)
                // The alive mark written since a step ahead is in the future: written again now, so that a kill
                // before the next flush is not measured from it (no time away recorded at all).
                if step < 0 { try await flush() }
            default:
                continue
            }
        }
    }

    /// Moves the flips of `ids` back by the excursion's `offset`, the statuses with them.
    private func redateExcursion(_ ids: [UUID], by offset: TimeInterval) async throws {
        let moved = try await flips.stored("redate_flips") { try await store.redateFlips(ids: ids, by: offset) }
        guard !moved.isEmpty else { return }
        for event in moved {
            await fleet.shiftStatusSince(by: offset, in: event.at...event.at, device: event.device)
        }
        await timelines.reset()
        incidents.outagesChanged()
        logger.notice("re-dated \(moved.count) flip(s) recorded while the clock was stepped away")
    }

    /// Writes the beats received since the last flush, and the collector's own alive mark.
    public func flush() async throws {
        let beats = await fleet.takeDirtyBeats()
        do {
            try await flips.stored("save_beats") { try await store.saveBeats(beats, aliveAt: clock.wall.now()) }
        } catch {
            await fleet.markDirty(beats.keys)
            throw error
        }
        // The collector's own records, once the store takes them (a `store_failing` one after its recovery).
        let records = health.takeUnsaved()
        do {
            try await flips.stored("save_collector_records") { try await store.saveCollectorRecords(records) }
        } catch {
            health.unsavable(records)
            throw error
        }
    }

    /// The leader correlates outages into incidents when they may have changed and records them (see
    /// `IncidentRecorder`); a no-op elsewhere.
    @discardableResult
    public func recordIncidents() async throws -> (new: [Incident], updated: [Incident]) {
        let recorded = try await flips.stored("save_incidents") { try await incidents.run() }
        await notifications.incidents(new: recorded.new, updated: recorded.updated)
        return recorded
    }

    /// Tells open streams the statuses liveness changed without recording a flip (late, maintenance, ...);
    /// run after each sweep, and only while a stream is open.
    public func tellShownChanges() async {
        guard flips.changes.subscriberCount > 0 else { return }
        flips.changes.observe(await fleet.statuses(), at: clock.wall.now())
    }
}
