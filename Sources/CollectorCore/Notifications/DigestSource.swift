import CollectorRules
import DowntimeProtocol
import Foundation

/// Where a digest's figures come from: the readers the pages use (`DeviceReader` for the devices' merged outages
/// and uptime, the store's incidents, log rows and UPS events), so that a digest never counts downtime differently.
public struct DigestSource: Sendable {
    let reader: DeviceReader
    let store: any Store

    /// What judging the devices takes, as the collector is configured (`CollectorConfig`'s).
    public struct Settings: Sendable {
        public var policy: LivenessPolicy
        public var defaultInterval: Int
        public var maintenance: [MaintenanceWindow]
        public var time: LocalTime

        public init(policy: LivenessPolicy, defaultInterval: Int, maintenance: [MaintenanceWindow], time: LocalTime) {
            self.policy = policy
            self.defaultInterval = defaultInterval
            self.maintenance = maintenance
            self.time = time
        }
    }

    /// Rows read per device for its power warnings, and UPS events read: far more than a week has.
    static let rowLimit = 20_000

    func report(period: DateInterval, now: Date) async throws -> DigestReport {
        let details = try await reader.deviceDetails()
        // An incident lasts a day at most: one that started a day or two before the period may overlap it.
        let incidents = try await store.incidents(since: period.start - 2 * 86_400)
        var rows: [StoredEvent] = []
        for d in details {
            rows += try await store.events(
                device: d.view.name, since: period.start, afterSeq: nil, limit: Self.rowLimit
            )
            .filter { $0.event.kind == .powerWarning }
        }
        let ups = try await store.upsEvents(ups: nil, since: period.start, limit: Self.rowLimit)
        return DigestReport.make(
            period: period, now: now, details: details, incidents: incidents, logRows: rows, upsEvents: ups)
    }

    /// What a quiet hours' summary is made of: each device's outages (as the pages merge them) and first beat, its
    /// `check`, `storage` and `power_warning` rows since `start`, and the UPS events since then.
    func quiet(since start: Date) async throws -> (
        outages: [String: [OutageView]], firstSeen: [String: Date], rows: [StoredEvent], ups: [StoredUPSEvent]
    ) {
        let details = try await reader.deviceDetails()
        var rows: [StoredEvent] = []
        for d in details {
            rows += try await store.events(device: d.view.name, since: start, afterSeq: nil, limit: Self.rowLimit)
                .filter { [.check, .storage, .powerWarning, .jobFlip].contains($0.event.kind) }
        }
        return (
            Dictionary(details.map { ($0.view.name, $0.outages) }, uniquingKeysWith: { a, _ in a }),
            Dictionary(
                details.compactMap { d in d.firstSeen.map { (d.view.name, $0) } }, uniquingKeysWith: { a, _ in a }),
            rows, try await store.upsEvents(ups: nil, since: start, limit: Self.rowLimit)
        )
    }

    /// A source over `store` alone, for the CLI (`notify digest`): the devices as stored, the configured and stored
    /// maintenance windows, read on the real clock.
    static func standalone(store: any Store, settings: Settings) async throws -> DigestSource {
        let clock = CollectorClock(wall: SystemWallClock(), monotonic: SystemMonotonicClock())
        let fleet = Fleet(policy: settings.policy, defaultInterval: settings.defaultInterval)
        await fleet.load(try await store.allDevices(), now: clock.now(), freshWindow: false)
        let maintenance = MaintenanceSchedule(configured: settings.maintenance)
        try await maintenance.reload(from: store)
        let reader = DeviceReader(
            store: store, fleet: fleet, timelines: TimelineCache(), maintenance: maintenance, policy: settings.policy,
            defaultInterval: settings.defaultInterval, clock: clock.wall)
        return DigestSource(reader: reader, store: store)
    }
}
