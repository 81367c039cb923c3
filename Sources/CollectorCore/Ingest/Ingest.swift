import CollectorRules
import DowntimeProtocol
import Foundation
import Logging

/// What agents and pings send, taken in: beats, pings, event batches and enrollment, each authorized by the
/// device's token; a flip it causes is committed before the answer.
public final class Ingest: Sendable {
    let store: any Store
    let fleet: Fleet
    let flips: FlipRecorder
    let timelines: TimelineCache
    let incidents: IncidentRecorder
    let notifications: NotificationFeed
    let admin: FleetAdmin
    /// With several collectors on the store a beat's flip is stored after the beat (`FlipRecorder.recordUp`);
    /// found once, not cast on every beat.
    let shared: Bool
    /// The key an agent enrolls with; nil: enrollment is off.
    let enrollmentKey: String?
    let clock: CollectorClock
    let logger: Logger

    struct Parts {
        var store: any Store
        var fleet: Fleet
        var flips: FlipRecorder
        var timelines: TimelineCache
        var incidents: IncidentRecorder
        var notifications: NotificationFeed
        var admin: FleetAdmin
    }

    init(_ p: Parts, enrollmentKey: String?, clock: CollectorClock, logger: Logger) {
        store = p.store
        fleet = p.fleet
        flips = p.flips
        timelines = p.timelines
        incidents = p.incidents
        notifications = p.notifications
        admin = p.admin
        shared = p.store is any SharedStore
        self.enrollmentKey = enrollmentKey
        self.clock = clock
        self.logger = logger
    }

    /// The device a token belongs to, also one the CLI added since the last reload.
    func owner(ofToken token: String) async throws -> String? {
        let hash = Tokens.hash(token)
        if let name = await fleet.device(forTokenHash: hash) { return name }
        guard let record = try await store.device(tokenHash: hash) else { return nil }
        await fleet.add(record, now: clock.now())
        return record.name
    }

    /// Resolves a bearer token to its device: refused when unknown, or when it is another device's.
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
        let now = clock.now()
        let before = await fleet.live(heartbeat.device)?.record.beat?.health
        let (interval, flip, checks) = await fleet.beat(heartbeat, receivedAt: now)
        if let flip { try await flips.recordUp(flip, shared: shared) }
        if !checks.isEmpty { try await checkFlips(checks) }
        if let change = PowerWarningState.change(from: before, to: heartbeat.health) {
            try await powerWarning(heartbeat, change, at: now.wall)
        }
        await endMaintenanceIfBack(heartbeat.device, bootID: heartbeat.bootID, at: now.wall)
        return HeartbeatReply(serverTime: now.wall, intervalS: interval)
    }

    /// Records the service checks' flips of a beat (and their log rows) and tells them, damped by the planner.
    private func checkFlips(_ checks: [CheckFlip]) async throws {
        let ids = checks.map(\.id)
        notifications.willRecord(ids: ids)
        do {
            try await flips.stored("check_flips") { try await store.recordCheckFlips(checks) }
        } catch {
            // Not recorded: memory goes back to the states before, so the agent's next full results propose them again.
            notifications.notRecorded(ids)
            await fleet.unrecorded(checks)
            throw error
        }
        for c in checks { logger.notice("\(c.device): \(LogFormat.detail(c.event))") }
        await notifications.checks(checks)
    }

    /// Logs a power warning appearing or clearing and tells a new under-voltage, damped by the planner.
    private func powerWarning(
        _ heartbeat: Heartbeat, _ change: (state: PowerWarningState, words: String),
        at: Date
    ) async throws {
        let event = Event(
            device: heartbeat.device, at: at, bootID: heartbeat.bootID,
            payload: .powerWarning(state: change.state, warnings: change.words))
        _ = try await flips.stored("insert_events") { try await store.insertEvents([event], receivedAt: at) }
        logger.notice("\(heartbeat.device): \(LogFormat.detail(event))")
        if change.state == .appeared, heartbeat.health?.underVoltageNow == true {
            await notifications.underVoltage(device: heartbeat.device, at: at)
        }
    }

    /// Handles `/ping/{token}` (and `/ping/{token}/fail` with `fail`) for the device the token named.
    public func ping(device name: String, fail: Bool) async throws {
        let now = clock.now()
        if fail {
            if let flip = await fleet.fail(name, at: now.wall) { try await flips.record([flip]) }
        } else if let flip = await fleet.ping(name, at: now) {
            try await flips.recordUp(flip, shared: shared)
        }
    }

    /// Stores a batch of events once each (by id); all are committed before the answer.
    public func events(_ batch: EventBatch, token: String?) async throws -> EventBatchReply {
        guard let first = batch.events.first else { return EventBatchReply(accepted: []) }
        return try await events(batch, device: try await authorize(token, for: first.device, field: "events[0].device"))
    }

    /// Stores a batch whose token was already checked against `device`, the first event's device.
    func events(_ batch: EventBatch, device: String) async throws -> EventBatchReply {
        let now = clock.wall.now()
        let events = try Self.checked(batch, device: device, receivedAt: now)
        let storage = events.filter { $0.kind == .storage }.map(\.id)
        notifications.willRecord(ids: storage)
        let accepted: [UUID]
        do {
            accepted = try await flips.stored("insert_events") { try await store.insertEvents(events, receivedAt: now) }
        } catch {
            notifications.notRecorded(storage)
            throw error
        }
        await timelines.add(events, receivedAt: now)
        admin.maintenance.apply(events)
        for event in events where event.kind == .maintenanceStart || event.kind == .maintenanceEnd {
            logger.notice("\(device): \(LogFormat.detail(event))")
        }
        // A window `--until-back` that arrives after the device's new boot beat (the collector was away): ended by
        // the newest beat known of that boot.
        if events.contains(where: { if case .maintenanceStart(let m) = $0.payload { m.untilBack } else { false } }),
            let beat = await fleet.live(device)?.record.beat
        {
            await endMaintenanceIfBack(device, bootID: beat.bootID, at: beat.at)
        }
        if events.contains(where: \.kind.shapesTimeline) { incidents.outagesChanged() }
        for event in events {
            guard case .storage(let state, let path) = event.payload else { continue }
            logger.notice("\(device): agent's state folder \(path) \(state.label)")
            await notifications.storage(id: event.id, device: device, state: state, path: path, at: event.at)
        }
        return EventBatchReply(accepted: accepted)
    }

    /// A beat of boot `bootID` at `at` ends the device's window announced `--until-back` in another boot: the end is
    /// logged (a `maintenance_end` the collector makes) and applied. Not stored: the next beat tries it again.
    private func endMaintenanceIfBack(_ device: String, bootID: String, at: Date) async {
        guard admin.maintenance.isBack(device: device, bootID: bootID, at: at) else { return }
        let end = Event(device: device, at: at, bootID: bootID, payload: .maintenanceEnd(back: true))
        do {
            _ = try await flips.stored("insert_events") { try await store.insertEvents([end], receivedAt: at) }
        } catch {
            logger.warning("\(device): maintenance end not stored (\(error)); the next beat tries again")
            return
        }
        admin.maintenance.apply([end])
        logger.notice("\(device): \(LogFormat.detail(end))")
    }

    /// The batch's events, each the device's own and of a kind it may report, an outage without an end (the
    /// agent's clock was unsynced) anchored on ours.
    static func checked(_ batch: EventBatch, device: String, receivedAt now: Date) throws(IngestError) -> [Event] {
        var events: [Event] = []
        for (index, var event) in batch.events.enumerated() {
            guard event.device == device else { throw .wrongDevice(field: "events[\(index)].device") }
            guard event.kind.isDeviceReported else { throw .collectorOnly(event.kind, field: "events[\(index)].kind") }
            if case .outage(let outage) = event.payload, outage.end == nil, let uptime = outage.uptimeS {
                event.payload = .outage(outage.anchored(bootedAt: now - uptime))
            }
            events.append(event)
        }
        return events
    }

    /// Creates a device for an agent holding the enrollment key and returns its token.
    public func enroll(_ request: EnrollRequest) async throws -> EnrollReply {
        guard let key = enrollmentKey else { throw IngestError.enrollmentOff }
        guard Tokens.constantTimeEqual(Tokens.hash(request.enrollmentKey), Tokens.hash(key)) else {
            throw IngestError.wrongEnrollmentKey
        }
        let token: String
        do { token = try await admin.addDevice(request.device).token } catch let error as AdminError {
            throw IngestError.refused(error)
        }
        logger.notice("\(request.device): enrolled")
        return EnrollReply(token: token)
    }
}
