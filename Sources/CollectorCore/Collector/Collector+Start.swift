import CollectorRules
import DowntimeProtocol
import Foundation
import Logging

extension Collector {
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
        let clocks = CollectorClock(wall: clock, monotonic: monotonic)
        let started = clocks.now()
        let sync = clockSync ?? LinuxClockSyncProbe(flagFile: config.clockSyncFile)
        let health = CollectorHealth(logger: logger, dataDir: config.database == nil ? config.dataDir : nil)
        health.observeClock(started, synced: sync.isSynced())
        let previousAlive = try await store.beginRun(at: started.wall)
        var devices = try await store.allDevices()
        // The checks' states survive a restart: the newest flip of each, until the agent's next full results.
        let checks = try await store.newestCheckFlips()
        for i in devices.indices {
            guard let flips = checks[devices[i].name], !flips.isEmpty else { continue }
            devices[i].beat?.checks = CheckDigest(of: CheckStates.restored(flips), full: true)
        }
        try await recordAway(
            since: previousAlive, until: started.wall, devices: devices, store: store, health: health,
            flushInterval: config.flushInterval, logger: logger)
        // The collector's own history survives a restart: earlier runs' records before this run's.
        health.restore(try await store.collectorRecords(limit: CollectorHealth.maxRecords))
        let collector = Collector(
            store: store, config: config, clock: clocks, clockSync: sync,
            health: health, startedAt: started.wall, mark: try await store.externalChangeMark(),
            logger: logger)
        await collector.admin.fleet.load(devices, now: started, freshWindow: true)
        try await collector.admin.maintenance.reload(from: store, now: started.wall)
        if store is any SharedStore { await collector.leadership.refresh() }
        return collector
    }

    /// Records the time the previous run was away (from its last alive mark) in the log of every device it knew.
    private static func recordAway(
        since previousAlive: Date?, until now: Date, devices: [DeviceRecord], store: any Store,
        health: CollectorHealth, flushInterval: TimeInterval, logger: Logger
    ) async throws {
        guard let previousAlive else { return }
        if now < previousAlive {
            logger.warning(
                """
                the clock (\(WireTime.format(now))) is behind the previous run's last alive mark \
                (\(WireTime.format(previousAlive))): the time the collector was away is unknown and not recorded
                """)
            return
        }
        guard now.timeIntervalSince(previousAlive) > flushInterval else { return }
        let records = devices.filter { $0.createdAt <= previousAlive }.map {
            Event(
                device: $0.name, at: previousAlive, bootID: nil, payload: .collectorDown(start: previousAlive, end: now)
            )
        }
        if !records.isEmpty { _ = try await store.insertEvents(records, receivedAt: now) }
        health.collectorDown(from: previousAlive, to: now)
        let away = "\(WireTime.format(previousAlive)) to \(WireTime.format(now))"
        logger.notice("collector was away from \(away); recorded as unknown")
    }
}
