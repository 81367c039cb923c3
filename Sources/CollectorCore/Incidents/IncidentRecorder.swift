import CollectorRules
import DowntimeProtocol
import Foundation
import Logging
import Synchronization

/// The leader's recording of incidents: runs `IncidentCorrelator` over the 31-day timeline when outages may have
/// changed (an outage, unreachable or collector-down record stored, a flip recorded; and once after start) and
/// writes what is new or changed, by id, so each incident is stored once across restarts and collectors.
public final class IncidentRecorder: Sendable {
    let store: any Store
    let reader: DeviceReader
    let leadership: Leadership
    let settings: Settings
    let clock: any WallClock
    let logger: Logger
    /// Set when something that shapes outages was stored since the last run; true at start.
    private let dirty = Mutex(true)
    /// When the first still-down member of a recorded incident is given up on: a run is due then even without a change.
    private let nextGiveUp = Mutex<Date?>(nil)

    init(
        store: any Store, reader: DeviceReader, leadership: Leadership, settings: Settings,
        clock: any WallClock, logger: Logger
    ) {
        self.store = store
        self.reader = reader
        self.leadership = leadership
        self.settings = settings
        self.clock = clock
        self.logger = logger
    }

    /// What of the collector's configuration the correlation reads.
    struct Settings: Sendable {
        /// The liveness grace: how long after a missed beat a device counts as down.
        var grace: TimeInterval
        /// The collector's own site (nil: the default site).
        var site: String?
        /// The UPSes polled, whose mains tell a power cut from a network outage.
        var nutServers: [NUTServerSpec]
    }

    /// Says that outages may have changed: the next `run` correlates again.
    func outagesChanged() { dirty.withLock { $0 = true } }

    /// Correlates and records when something changed and this collector leads; returns the incidents first
    /// recorded and those updated by this run.
    @discardableResult
    public func run() async throws -> (new: [Incident], updated: [Incident]) {
        let now = clock.now()
        let giveUpDue = nextGiveUp.withLock { ($0.map { $0 <= now }) ?? false }
        guard leadership.isLeading,
            dirty.withLock({ d in
                defer { d = false }
                return d || giveUpDue
            })
        else { return ([], []) }
        do {
            return try await correlate()
        } catch {
            outagesChanged()
            throw error
        }
    }

    private func correlate() async throws -> (new: [Incident], updated: [Incident]) {
        let now = clock.now()
        let window = now - 31 * 86_400
        let rows = try await reader.timelineRows(now: now)
        let live = await reader.fleet.snapshot()
        // Only a site with two or more devices that reported an outage or the collector unreachable can hold an
        // incident: only its devices' timelines are merged, so a large quiet fleet costs a scan of rows in memory.
        var reporting: [String: Int] = [:]
        for d in live where rows[d.record.name]?.contains(where: \.reportsOutage) == true {
            reporting[SiteName.name(d.record.site), default: 0] += 1
        }
        let sites = Set(reporting.filter { $0.value >= 2 }.keys)
        guard !sites.isEmpty else { return ([], []) }
        var away = Set<DateInterval>()
        for list in rows.values {
            for row in list {
                if case .collectorDown(let start, let end) = row.event.payload {
                    away.insert(DateInterval(start: start, end: max(start, end)))
                }
            }
        }
        let plan = reader.maintenance.current
        let devices = live.filter { sites.contains(SiteName.name($0.record.site)) }.map { d in
            let deviceRows = rows[d.record.name] ?? []
            let detail = reader.detail(d, rows: deviceRows, plan: plan, now: now)
            let precisions = Self.reportedPrecisions(deviceRows)
            return IncidentCorrelator.Device(
                name: detail.view.name, site: detail.view.site,
                outages: detail.outages.map {
                    Self.outage($0, interval: detail.view.intervalS, grace: settings.grace, reported: precisions)
                },
                firstSeen: detail.firstSeen)
        }
        let known = try await store.incidents(since: window - 86_400)
        let found = IncidentCorrelator.incidents(
            devices: devices, collectorDown: away.sorted { $0.start < $1.start },
            collectorSite: SiteName.name(settings.site), known: known, mainsOut: try await mainsOut(since: window),
            now: now
        ).filter { $0.start >= window }
        let giveUps = found.flatMap(\.stillDown).map { $0.start + IncidentCorrelator.giveUpAfter }
        nextGiveUp.withLock { $0 = giveUps.min() }
        let before = Dictionary(known.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let changed = found.filter { before[$0.id] != $0 }
        guard !changed.isEmpty else { return ([], []) }
        try await store.saveIncidents(changed, at: now)
        let new = changed.filter { before[$0.id] == nil }
        let updated = changed.filter { before[$0.id] != nil }
        for i in new {
            logger.notice("incident \(i.id): \(i.kind.rawValue) at \(i.site), \(i.deviceNames.joined(separator: ", "))")
        }
        for i in updated { logger.notice("incident \(i.id) updated: \(i.deviceNames.joined(separator: ", "))") }
        return (new, updated)
    }

    /// The configured UPSes' mains-out events since `since`, each with the site its UPS powers (a UPS no longer
    /// configured has no known site and is left out).
    private func mainsOut(since: Date) async throws -> [IncidentCorrelator.MainsOut] {
        guard !settings.nutServers.isEmpty else { return [] }
        let sites = NUTServerSpec.sites(of: settings.nutServers, collectorSite: settings.site)
        return try await store.upsEvents(ups: nil, since: since, limit: 10_000).compactMap { e in
            guard e.kind == .mainsOut, let site = sites[e.ups] else { return nil }
            return IncidentCorrelator.MainsOut(site: site, ups: e.ups, at: e.at)
        }
    }

    /// A merged outage as the correlator reads it. Its start is as good as what gave it: the agent's persisted
    /// time (the `precision_s` of its report, found by the report's end; 60 s or the beat interval for a report
    /// without one) or the last beat the collector received (the interval and grace); a merged start is the later
    /// of both, so as good as the better.
    static func outage(
        _ o: OutageView, interval: Int, grace: TimeInterval, reported: [Int64: Double] = [:]
    ) -> IncidentCorrelator.Outage {
        let seen = Double(interval) + grace
        let agent = o.end.flatMap { reported[Self.key($0)] } ?? max(60, Double(interval))
        let precision =
            switch o.source {
            case "agent": agent
            case "merged": min(agent, seen)
            default: seen
            }
        return IncidentCorrelator.Outage(start: o.start, end: o.end, cause: o.cause, precision: precision)
    }

    /// The `precision_s` of each outage report in `rows`, by its end (anchored as the timeline anchors it).
    static func reportedPrecisions(_ rows: [StoredEvent]) -> [Int64: Double] {
        var out: [Int64: Double] = [:]
        for row in rows {
            guard case .outage(let report) = row.event.payload,
                let end = report.end ?? report.uptimeS.map({ row.receivedAt - $0 })
            else { continue }
            out[key(end)] = report.precisionS
        }
        return out
    }

    /// A time to the millisecond, to find a report by its end.
    private static func key(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
}

extension StoredEvent {
    /// An agent's outage report or its collector-unreachable interval: what makes a device a possible member.
    fileprivate var reportsOutage: Bool {
        switch event.payload {
        case .outage, .collectorUnreachable: true
        default: false
        }
    }
}
