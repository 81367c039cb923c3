import CollectorRules
import DowntimeProtocol
import Foundation
import Logging

/// The collector's composition root: it builds the parts over one store and one fleet and hands them out. Beats,
/// pings and events come in through `ingest`; `sweeper` judges liveness and records flips and incidents; `reads`
/// answers the pages and the API; `admin` takes device changes into the fleet; `ups` keeps the UPSes' side;
/// `access` knows who may log in; `statusPages` are the public pages.
public final class Collector: Sendable {
    public let config: CollectorConfig
    /// Wall time (what is recorded and shown) and monotonic time (what liveness deadlines run on).
    public let clock: CollectorClock
    /// The collector's own state (clock steps and sync, store failures) and records.
    public let health: CollectorHealth
    public let leadership: Leadership
    public let notifications: NotificationFeed
    public let ingest: Ingest
    public let sweeper: Sweeper
    public let reads: Reads
    public let admin: FleetAdmin
    public let ups: UPSDesk
    /// Users, their sessions: who may log in.
    public let access: Access
    /// The public status pages.
    public let statusPages: StatusPages
    /// Acknowledgements, snoozes and critical marks (the admin page's buttons, the messages' `/ack/` links).
    public let alerts: AlertAdmin
    /// The registered jobs and their states now (pages, API, `/metrics`, the sweep's judge).
    public let jobs: JobBoard
    /// The leader's judgement of jobs: their changes recorded and told.
    public let jobJudge: JobJudge

    /// The parts every other one is built over.
    private struct Base {
        let store: any Store
        let fleet: Fleet
        let timelines: TimelineCache
        let maintenance: MaintenanceSchedule
        let reader: DeviceReader
        let logs: LogReader
    }

    init(
        store: any Store, config: CollectorConfig, clock: CollectorClock, clockSync: any ClockSyncProbe,
        health: CollectorHealth, startedAt: Date, mark: Int, logger: Logger
    ) {
        self.config = config
        self.clock = clock
        self.health = health
        let base = Self.base(store: store, config: config, clock: clock)
        leadership = Leadership(store: store, logger: logger)
        alerts = AlertAdmin(store: store, clock: clock.wall)
        notifications = Self.notificationFeed(
            base, config: config, leadership: leadership, clock: clock, logger: logger)
        let incidents = IncidentRecorder(
            store: store, reader: base.reader, leadership: leadership,
            settings: .init(grace: config.policy.grace, site: config.site, nutServers: config.nutServers),
            clock: clock.wall, logger: logger)
        let flips = FlipRecorder(
            store: store, fleet: base.fleet, timelines: base.timelines, incidents: incidents,
            notifications: notifications, health: health,
            changes: ChangeFeed(run: ChangeFeed.runID(startedAt: startedAt)), clock: clock, logger: logger)
        admin = FleetAdmin(
            store: store, fleet: base.fleet, timelines: base.timelines, incidents: incidents,
            maintenance: base.maintenance, clock: clock)
        let housekeeping = Housekeeping(
            store: store, reader: base.reader, timelines: base.timelines, leadership: leadership, health: health,
            retentionDays: config.retentionDays, time: clock.now, logger: logger)
        sweeper = Sweeper(
            .init(
                store: store, fleet: base.fleet, timelines: base.timelines, maintenance: base.maintenance,
                leadership: leadership, notifications: notifications, health: health, incidents: incidents,
                flips: flips, housekeeping: housekeeping, admin: admin),
            clockSync: clockSync, clock: clock, mark: mark, logger: logger)
        ingest = Ingest(
            .init(
                store: store, fleet: base.fleet, flips: flips, timelines: base.timelines, incidents: incidents,
                notifications: notifications, admin: admin),
            enrollmentKey: config.enrollmentKey, clock: clock, logger: logger)
        access = Access(
            store: store, clock: clock.wall, builtInHash: config.adminPasswordHash, proxyLogin: config.proxyLogin,
            logger: logger)
        statusPages = StatusPages(store: store, clock: clock.wall)
        jobs = JobBoard(store: store, zone: config.localTime.zone) { [fleet = base.fleet] name in
            guard let beat = await fleet.live(name)?.record.beat else { return nil }
            return (beat.bootID, beat.at)
        }
        jobJudge = JobJudge(
            board: jobs, store: store, leadership: leadership, notifications: notifications, clock: clock.wall,
            logger: logger)
        reads = Reads(reader: base.reader, logs: base.logs, store: store, clock: clock.wall)
        ups = UPSDesk(
            .init(
                store: store, leadership: leadership, health: health, clock: clock, incidents: incidents,
                notifications: notifications, logs: base.logs),
            names: config.nutServers.flatMap { spec in spec.ups.map(spec.name(of:)) })
    }

    /// The collector's log (the health's, so that both say things in one voice).
    public var logger: Logger { health.logger }

    /// Both clocks read now.
    public func time() -> CollectorTime { clock.now() }

    /// `body`'s value, or `fallback` when the store fails now (noted in `health`): for what a page can show
    /// without, so the page still says what is known from memory while the database is away.
    public func unlessStoreFails<T>(_ fallback: T, _ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch {
            guard health.storeFailed(error, at: time()) != nil else { throw error }
            return fallback
        }
    }

    /// The jobs at `now` for a page or `/metrics`; none while the store is known to fail: each read would wait for the
    /// store's deadline, and the page must answer from memory within seconds (the database-restart test).
    public func jobsUnlessStoreFails(now: Date, device: String? = nil) async throws -> [JobBoard.Entry] {
        guard health.snapshot().storeFault == nil else { return [] }
        return try await unlessStoreFails([]) { try await jobs.entries(now: now, device: device) }
    }

    private static func base(store: any Store, config: CollectorConfig, clock: CollectorClock) -> Base {
        let fleet = Fleet(
            policy: config.policy, defaultInterval: config.defaultInterval, sweepInterval: config.sweepInterval)
        let timelines = TimelineCache()
        let maintenance = MaintenanceSchedule(configured: config.maintenance)
        let reader = DeviceReader(
            store: store, fleet: fleet, timelines: timelines, maintenance: maintenance,
            policy: config.policy, defaultInterval: config.defaultInterval, clock: clock.wall)
        return Base(
            store: store, fleet: fleet, timelines: timelines, maintenance: maintenance, reader: reader,
            logs: LogReader(store: store))
    }

    private static func notificationFeed(
        _ base: Base, config: CollectorConfig, leadership: Leadership, clock: CollectorClock, logger: Logger
    ) -> NotificationFeed {
        let notifier =
            config.notifiers.isEmpty
            ? nil
            : Notifier(
                specs: config.notifiers,
                planner: NotificationPlanner(
                    damp: config.notifyDamp, groupWindow: config.notifyGroupWindow,
                    // A UPS's lost connection is told once it outlasts two first backoff steps.
                    settle: config.notifySettle, upsHold: 2 * (config.nutBackoff.first ?? config.nutPollInterval)),
                store: base.store, logger: logger,
                reminderHold: config.notifyGroupWindow + 2 * config.sweepInterval, zone: config.localTime.zone)
        let source = DigestSource(reader: base.reader, store: base.store)
        let digests = notifier.flatMap { n in
            Digests(
                specs: config.notifiers, notifier: n, source: source, store: base.store, time: config.localTime,
                logger: logger)
        }
        let quiet = notifier.flatMap { n in
            QuietSummaries(
                specs: config.notifiers, notifier: n, source: source, store: base.store, time: config.localTime,
                damp: config.notifyDamp, logger: logger)
        }
        return NotificationFeed(
            notifier: notifier, store: base.store, leadership: leadership,
            writer: MessageWriter(reader: base.reader, damp: config.notifyDamp, time: config.localTime),
            fleet: base.fleet,
            clock: clock.wall, logger: logger, digests: digests?.isEmpty == false ? digests : nil,
            quiet: quiet?.isEmpty == false ? quiet : nil, pageURL: config.pageURL)
    }
}
