import CollectorRules
import DowntimeProtocol
import Foundation

/// The overview's read path: the model from the live devices, and a `DeviceDetail` (timeline merge, daily
/// bars) only for the rows it shows, so that a request at 10,000 devices never builds 10,000 of them.
extension DeviceReader {
    /// The overview's model at `now` for `query`, with the details of the rows it shows.
    func overview(_ query: OverviewQuery, policy: OverviewModel.Policy = OverviewModel.Policy())
        async throws -> (model: OverviewModel, details: [String: DeviceDetail])
    {
        let now = clock.now()
        let live = await fleet.snapshot()
        let rows = try await timelineRows(now: now)
        let recent = recentFlips(rows, live: live, now: now, policy: policy)
        let model = OverviewModel.build(
            live.map(OverviewModel.Entry.init), recent: recent,
            query: query, now: now, policy: policy)
        // The page shows the list when there is one, else the devices that need a look.
        let shown = Set((model.list ?? model.attention).map(\.entry.name))
        let plan = maintenance.current
        var details: [String: DeviceDetail] = [:]
        for d in live where shown.contains(d.record.name) {
            details[d.record.name] = detail(d, rows: rows[d.record.name] ?? [], plan: plan, now: now)
        }
        return (model, details)
    }

    /// Counts by status and tag and how many devices need a look (`GET /api/v1/summary`).
    func summary() async throws -> FleetSummary {
        let now = clock.now()
        let live = await fleet.snapshot()
        let policy = OverviewModel.Policy()
        let recent = recentFlips(try await timelineRows(now: now), live: live, now: now, policy: policy)
        let entries = live.map(OverviewModel.Entry.init)
        let model = OverviewModel.build(entries, recent: recent, query: OverviewQuery(), now: now, policy: policy)
        return FleetSummary(
            status: model.counts, attention: model.attentionTotal,
            tags: model.tags.map { FleetSummary.Tag(tag: $0.tag, status: $0.counts) })
    }

    /// One page of devices by name after `after` (`GET /api/v1/devices`), of one site (its shown name) when
    /// `site` is given; details built for that page only.
    /// Each view has the device's acknowledgement, snooze and critical mark as `alerts` say (as the single-device view).
    func devicePage(after: String?, limit: Int, site: String? = nil, alerts: DeviceAlerts = DeviceAlerts())
        async throws -> DeviceList
    {
        let now = clock.now()
        let all = await fleet.snapshot().filter { d in site.map { SiteName.name(d.record.site) == $0 } ?? true }
            .sorted { $0.record.name < $1.record.name }
        let rest = after.map { a in all.filter { $0.record.name > a } } ?? all
        let page = rest.prefix(limit)
        let rows = try await timelineRows(now: now)
        let plan = maintenance.current
        let views = page.map { live in
            var view = detail(live, rows: rows[live.record.name] ?? [], plan: plan, now: now).view
            let state = DeviceAlertState(alerts, record: live.record, now: now)
            view.acknowledged = state.acknowledged.map { Acknowledgement(at: $0.at, by: $0.by) }
            view.snoozedUntil = state.snoozedUntil
            view.critical = state.critical
            return view
        }
        return DeviceList(devices: views, next: rest.count > limit ? views.last?.name : nil)
    }

    private func recentFlips(
        _ rows: [String: [StoredEvent]], live: [LiveDevice], now: Date,
        policy: OverviewModel.Policy
    ) -> [String: RecentFlips] {
        let since = now - policy.window
        let intervals = Dictionary(live.map { ($0.record.name, $0.record.interval(default: defaultInterval)) }) {
            a, _ in a
        }
        var out: [String: RecentFlips] = [:]
        for (name, list) in rows {
            guard list.contains(where: { $0.event.at >= since }) else { continue }
            // The slack the device's outages are merged with (`DeviceViews`).
            let slack = Double(intervals[name] ?? defaultInterval) + self.policy.grace
            out[name] = RecentFlips.of(list, since: since, slack: slack)
        }
        return out
    }
}
