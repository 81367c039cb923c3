import CollectorRules
import DowntimeProtocol
import Foundation

/// The read side over the fleet and the log: every device with its outages and daily bars, as the pages,
/// the API, the notifications' words and the housekeeping see them.
struct DeviceReader: Sendable {
    let store: any Store
    let fleet: Fleet
    let timelines: TimelineCache
    let maintenance: MaintenanceSchedule
    let policy: LivenessPolicy
    /// Seconds between beats of a device without an interval of its own.
    let defaultInterval: Int
    let clock: any WallClock
    let fleetUptimeCache = FleetUptimeCache()

    /// All devices with their outages and daily bars, down first, then by name.
    func deviceDetails() async throws -> [DeviceDetail] {
        let now = clock.now()
        let timelines = try await timelineRows(now: now)
        let plan = maintenance.current
        // Sorted before the details are made: moving 10,000 details around cost more than making them.
        return await fleet.snapshot().sorted { ($0.status, $0.record.name) < ($1.status, $1.record.name) }.map { live in
            detail(live, rows: timelines[live.record.name] ?? [], plan: plan, now: now)
        }
    }

    /// The fleet's uptime over 24 h and 7 d, recomputed at most every `FleetUptime.maxAge`.
    func fleetUptime() async throws -> FleetUptime {
        let now = clock.now()
        return try await fleetUptimeCache.value(now: now) { FleetUptime.of(try await deviceDetails(), now: now) }
    }

    func deviceDetail(_ name: String) async throws -> DeviceDetail? {
        guard let live = await fleet.live(name) else { return nil }
        let now = clock.now()
        let rows = try await timelineRows(now: now)[name] ?? []
        return detail(live, rows: rows, plan: maintenance.current, now: now)
    }

    /// The devices behind `parent` (depending on it directly or through others) with their status now, and
    /// the spans each was unreachable behind a parent that was down.
    func behind(_ parent: String) async throws -> [(device: LiveDevice, unreachable: [DateInterval])] {
        let devices = await fleet.dependants(of: parent)
        guard !devices.isEmpty else { return [] }
        let now = clock.now()
        let rows = try await timelineRows(now: now)
        return devices.map { ($0, DeviceTimeline(rows: rows[$0.record.name] ?? [], now: now).behindParent) }
    }

    /// Every device's rows that shape its timeline, from the cache (filled from the store when stale).
    func timelineRows(now: Date) async throws -> [String: [StoredEvent]] {
        let store = self.store
        return try await timelines.all(now: now) { try await store.timelineEvents(since: $0, device: nil) }
    }

    func detail(_ live: LiveDevice, rows: [StoredEvent], plan: MaintenancePlan, now: Date) -> DeviceDetail {
        var timeline = DeviceTimeline(rows: rows, now: now)
        var maintenance: [DateInterval] = []
        if !plan.windows.isEmpty {
            // Maintenance is neither up nor down.
            maintenance = plan.intervals(
                device: live.record.name, tags: live.record.tags,
                in: DateInterval(start: now - 31 * 86_400, end: now))
            timeline.unknown += maintenance
        }
        var detail = DeviceViews.detail(
            live, timeline: timeline, now: now, policy: policy,
            defaultInterval: defaultInterval)
        detail.maintenance = maintenance
        if let m = self.maintenance.announced(device: live.record.name, now: now) {
            detail.view.maintenance = MaintenanceAnnouncement(
                start: m.start, end: m.end, untilBack: m.untilBack && m.endedAt == nil, reason: m.reason)
        }
        return detail
    }
}
