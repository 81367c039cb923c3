import CollectorRules
import DowntimeProtocol
import Foundation

/// The read side as the pages, the API and `/metrics` ask it: devices with their timelines (`DeviceReader`),
/// logs (`LogReader`), the overview and the incidents.
public struct Reads: Sendable {
    let reader: DeviceReader
    let logs: LogReader
    let store: any Store
    let clock: any WallClock

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

    /// One device as `GET /api/v1/devices/{name}` shows it, with its acknowledgement, snooze and critical mark.
    public func deviceView(_ name: String) async throws -> DeviceView? {
        guard let view = try await reader.deviceDetail(name)?.view else { return nil }
        return try await withAlerts(view)
    }

    /// `view` with the device's acknowledgement, snooze and critical mark as stored now.
    public func withAlerts(_ view: DeviceView) async throws -> DeviceView {
        guard let record = try await store.device(named: view.name) else { return view }
        let state = try await alertState(record)
        var out = view
        out.acknowledged = state.acknowledged.map { Acknowledgement(at: $0.at, by: $0.by) }
        out.snoozedUntil = state.snoozedUntil
        out.critical = state.critical
        return out
    }

    /// A device's acknowledgement, snooze and critical mark now.
    public func alertState(_ record: DeviceRecord) async throws -> DeviceAlertState {
        DeviceAlertState(try await store.deviceAlerts(), record: record, now: clock.now())
    }

    /// The devices snoozed now, until when (the overview marks them).
    public func snoozed() async throws -> [String: Date] {
        let now = clock.now()
        return try await store.deviceAlerts().snoozedUntil.filter { $0.value > now }
    }

    /// A device's log, oldest first (see `LogReader.log`); nil when there is no such device.
    public func log(device: String, since: Date? = nil, afterSeq: Int64? = nil, limit: Int) async throws
        -> [StoredEvent]?
    {
        try await logs.log(device: device, since: since, afterSeq: afterSeq, limit: limit)
    }

    /// The last 30 UTC days of each of a device's service checks, from their stored flips (`CheckHistory`); the
    /// device's outages and unknown time in `detail` are unknown for its checks.
    public func checkDays(_ detail: DeviceDetail) async throws -> [String: [Availability.Day]] {
        let now = clock.now()
        let flips = try await store.checkFlips(device: detail.view.name, since: now - 30 * 86_400)
        let away =
            detail.unknown
            + detail.outages.map { DateInterval(start: $0.start, end: max($0.start, $0.end ?? now)) }
        return Dictionary(grouping: flips, by: \.name).mapValues {
            CheckHistory.days($0, count: 30, now: now, deviceAway: away)
        }
    }

    /// A device's newest delivery attempts, newest first.
    public func deliveries(device: String, limit: Int) async throws -> [DeliveryRecord] {
        try await logs.deliveries(device: device, limit: limit)
    }

    /// The overview's model at `now` for `query`, with the details of the rows it shows.
    public func overview(_ query: OverviewQuery, policy: OverviewModel.Policy = OverviewModel.Policy())
        async throws -> (model: OverviewModel, details: [String: DeviceDetail])
    {
        try await reader.overview(query, policy: policy)
    }

    /// The fleet's uptime over 24 h and 7 d (the overview's header).
    public func fleetUptime() async throws -> FleetUptime {
        try await reader.fleetUptime()
    }

    /// Counts by status and tag and how many devices need a look (`GET /api/v1/summary`).
    public func summary() async throws -> FleetSummary {
        try await reader.summary()
    }

    /// One page of devices by name after `after` (`GET /api/v1/devices`), of one site when `site` is given
    /// (`default` for the default site); details built for that page only, with each device's acknowledgement, snooze
    /// and critical mark.
    public func devicePage(after: String?, limit: Int, site: String? = nil) async throws -> DeviceList {
        try await reader.devicePage(after: after, limit: limit, site: site, alerts: try await store.deviceAlerts())
    }

    /// A page of incidents that started at or after `since`, of one site (as shown) when given, newest first,
    /// after the incident `after` (a cursor: the previous page's last id); nil when `after` is no such incident.
    public func incidents(since: Date?, site: String?, after: String?, limit: Int) async throws -> IncidentList? {
        var all = try await store.incidents(since: since ?? Date(timeIntervalSince1970: 0))
        if let site { all = all.filter { $0.site == site } }
        if let after {
            guard let index = all.firstIndex(where: { $0.id == after }) else { return nil }
            all.removeFirst(index + 1)
        }
        let page = Array(all.prefix(limit))
        return IncidentList(incidents: page, next: all.count > limit ? page.last?.id : nil)
    }

    public func incident(id: String) async throws -> Incident? {
        try await store.incident(id: id)
    }

    /// The incidents of the last 30 days, newest first (the overview's section).
    public func recentIncidents() async throws -> [Incident] {
        try await store.incidents(since: clock.now() - 30 * 86_400)
    }

    /// The incidents a device was a member of within the last 31 days, newest first (its page links them).
    public func incidents(device: String) async throws -> [Incident] {
        try await store.incidents(since: clock.now() - 31 * 86_400).filter {
            $0.members.contains { $0.device == device }
        }
    }

    /// How many recorded incidents of each kind are still going on (`downtime_incidents_open`): an open one is at most
    /// a day and its correlation window old.
    public func openIncidentCounts() async throws -> [Incident.Kind: Int] {
        let open = try await store.incidents(since: clock.now() - 32 * 86_400).filter { $0.end == nil }
        return Dictionary(grouping: open, by: \.kind).mapValues(\.count)
    }

    /// The devices a status page shows now, each with its label (the fleet in memory: no store read).
    public func statusMembers(_ page: StatusPageRecord) async -> [StatusPageSelection.Member] {
        StatusPageSelection.members(page.selector, devices: await reader.fleet.snapshot().map(\.record))
    }

    /// A status page's model now: its devices' details, the stored daily figures before the live 30 days, and the
    /// incidents of the last 90 days.
    public func statusPage(_ page: StatusPageRecord) async throws -> StatusPageModel {
        let now = clock.now()
        let members = await statusMembers(page)
        var details: [String: DeviceDetail] = [:]
        var stored: [String: [(day: String, down: Double, known: Double)]] = [:]
        for m in members {
            details[m.device] = try await reader.deviceDetail(m.device)
            stored[m.device] = try await store.daily(device: m.device)
        }
        let incidents = try await store.incidents(since: now - Double(StatusPageModel.dayCount + 1) * 86_400)
        return StatusPageModel.make(
            title: page.title, members: members, details: details, stored: stored, incidents: incidents, now: now)
    }

    /// How many incidents of each kind are recorded (`downtime_incidents_total`).
    public func incidentCounts() async throws -> [Incident.Kind: Int] {
        try await store.incidentCounts()
    }
}
