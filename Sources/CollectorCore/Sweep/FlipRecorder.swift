import CollectorRules
import DowntimeProtocol
import Foundation
import Logging
import Synchronization

/// Commits the flips liveness proposes (before any answer that depends on them), then tells, shows and logs
/// them; a flip the store did not take is given back to the fleet, so it is proposed again.
public final class FlipRecorder: Sendable {
    let store: any Store
    let fleet: Fleet
    let timelines: TimelineCache
    let incidents: IncidentRecorder
    let notifications: NotificationFeed
    let health: CollectorHealth
    /// The flips this collector records, for open event streams (the overview's live changes).
    public let changes: ChangeFeed
    let clock: CollectorClock
    let logger: Logger
    /// The flips this process recorded in the last hour, with when (monotonic) and the wall clock's offset from the
    /// monotonic one then: a clock excursion re-dates those recorded on the stepped clock.
    private let recent = Mutex<[(id: UUID, steady: Date, offset: TimeInterval)]>([])

    init(
        store: any Store, fleet: Fleet, timelines: TimelineCache, incidents: IncidentRecorder,
        notifications: NotificationFeed, health: CollectorHealth, changes: ChangeFeed, clock: CollectorClock,
        logger: Logger
    ) {
        self.store = store
        self.fleet = fleet
        self.timelines = timelines
        self.incidents = incidents
        self.notifications = notifications
        self.health = health
        self.changes = changes
        self.clock = clock
        self.logger = logger
    }

    /// Times a store write and tells `health` how it went: a store fault is logged once per change of state.
    func stored<T>(_ op: String, _ body: () async throws -> T) async throws -> T {
        try await health.timedWrite(op, at: clock.now, body)
    }

    /// Commits flips, tells them and logs them.
    func record(_ proposed: [FlipChange]) async throws {
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
        let now = clock.now()
        let offset = now.wall.timeIntervalSince(now.steady)
        recent.withLock { list in
            list.removeAll { now.steady.timeIntervalSince($0.steady) > 3600 }
            list += flips.map { ($0.event.id, now.steady, offset) }
        }
        await timelines.add(flips.map(\.event), receivedAt: clock.wall.now())
        incidents.outagesChanged()
        changes.publish(flips)
        if tellNow { await notifications.tell(flips) }
        for flip in flips { logger.notice("\(flip.device): \(flip.describe)") }
    }

    /// Commits an up flip from a beat. With several collectors the beat is stored first: the leader,
    /// reloading the new status, must also see the beat behind it, or it would call the device down again.
    func recordUp(_ flip: FlipChange, shared: Bool) async throws {
        if shared, let beat = await fleet.live(flip.device)?.record.beat {
            do {
                try await stored("save_beats") {
                    try await store.saveBeats([flip.device: beat], aliveAt: clock.wall.now())
                }
            } catch {
                // Not recorded, so not in memory either: the next beat proposes it again (a database away at a
                // device's return must not leave memory up and the store down until its next outage).
                await fleet.unrecorded([flip])
                throw error
            }
        }
        try await record([flip])
    }

    /// The flips this process recorded in the last hour, after the monotonic instant `from`, while the wall clock
    /// stood `offset` seconds (within a second) from the monotonic one.
    func recorded(after from: Date, atOffset offset: TimeInterval) -> [UUID] {
        recent.withLock { $0.filter { $0.steady >= from && abs($0.offset - offset) <= 1 }.map(\.id) }
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
}
