import CollectorRules
import Foundation
import Synchronization

/// The UPSes' side: `UPSMonitor` records through it (the leader's polls), the page, the API and `/metrics`
/// read the newest states from it.
public final class UPSDesk: UPSRecorder {
    let store: any Store
    let leadership: Leadership
    let health: CollectorHealth
    let clock: CollectorClock
    let incidents: IncidentRecorder
    let notifications: NotificationFeed
    let logs: LogReader
    /// The configured UPSes' newest states and the events stored by this process.
    private let board: Mutex<UPSBoard>

    struct Parts {
        var store: any Store
        var leadership: Leadership
        var health: CollectorHealth
        var clock: CollectorClock
        var incidents: IncidentRecorder
        var notifications: NotificationFeed
        var logs: LogReader
    }

    init(_ p: Parts, names: [String]) {
        store = p.store
        leadership = p.leadership
        health = p.health
        clock = p.clock
        incidents = p.incidents
        notifications = p.notifications
        logs = p.logs
        board = Mutex(UPSBoard(names: names))
    }

    public var pollsUPS: Bool { leadership.isLeading }

    public func upsHistory(_ ups: String) async throws -> [StoredUPSEvent] {
        try await store.upsEvents(ups: ups, since: nil, limit: 20)
    }

    public func upsPolled(_ ups: String, _ outcome: UPSTracker.Outcome, at: Date) {
        board.withLock { $0.states[ups, default: UPSState(name: ups)].observe(outcome, at: at) }
    }

    /// Stores the events (each once, by id) and tells them through the notifier.
    public func recordUPS(_ events: [StoredUPSEvent]) async throws {
        guard !events.isEmpty else { return }
        _ = try await health.timedWrite("insert_ups_events", at: clock.now) { try await store.insertUPSEvents(events) }
        // A mains-out may give a power cut of the UPS's site its exact start.
        if events.contains(where: { $0.kind == .mainsOut }) { incidents.outagesChanged() }
        board.withLock { board in
            for e in events { board.counts[e.kind, default: 0] += 1 }
        }
        for e in events { await notifications.ups(e.event) }
    }

    /// Each configured UPS's state, by name; "not read yet" on a collector that does not poll now (a follower,
    /// perhaps a former leader whose last readings are getting old).
    public func states() -> [UPSState] {
        let states = board.withLock { $0.sorted }
        return pollsUPS ? states : states.map { UPSState(name: $0.name) }
    }

    /// Events stored by this process, by kind (for `/metrics`).
    public func eventCounts() -> [UPSEvent.Kind: Int] {
        board.withLock { $0.counts }
    }

    /// Each configured UPS with its newest `limit` events, newest first.
    public func overview(limit: Int) async throws -> [(state: UPSState, events: [StoredUPSEvent])] {
        var out: [(state: UPSState, events: [StoredUPSEvent])] = []
        for state in states() {
            out.append((state, try await logs.upsEvents(ups: state.name, limit: limit)))
        }
        return out
    }
}
