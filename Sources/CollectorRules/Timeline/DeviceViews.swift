import DowntimeProtocol
import Foundation

/// Builds the read side of a device (pure).
public enum DeviceViews {
    /// Returns the view of `device` at `now`, its outages merged from `timeline`.
    public static func view(
        _ device: LiveDevice, timeline: DeviceTimeline, now: Date,
        policy: LivenessPolicy, defaultInterval: Int
    ) -> DeviceView {
        detail(device, timeline: timeline, now: now, policy: policy, defaultInterval: defaultInterval).view
    }

    /// Returns the view, the outages and the 30 daily shares of `device` at `now`.
    public static func detail(
        _ device: LiveDevice, timeline: DeviceTimeline, now: Date,
        policy: LivenessPolicy, defaultInterval: Int
    ) -> DeviceDetail {
        let r = device.record
        let interval = r.interval(default: defaultInterval)
        let slack = Double(interval) + policy.grace
        let outages = timeline.outages(slack: slack, now: now)
        // An agent gap is neither up nor down (docs/DESIGN.md "Agent gaps"): unknown time, as `unreachable` is.
        let unknown =
            timeline.unknown
            + outages.filter { $0.cause == .agentGap }.map {
                DateInterval(start: $0.start, end: max($0.start, $0.end ?? now))
            }
        let current = device.status == .down ? outages.last(where: { $0.end == nil }) : nil
        let last = outages.last(where: { $0.end != nil })
        let view = DeviceView(
            name: r.name, status: device.status, lastSeen: r.beat?.at, intervalS: interval,
            agentVersion: r.beat?.agentVersion, bootID: r.beat?.bootID, clockSkewS: r.beat?.clockSkewS,
            clockSynced: r.beat?.clockSynced, uptimeS: r.beat?.uptimeS, currentOutage: current, lastOutage: last,
            uptime: timeline.firstSeen.map {
                Availability.view(now: now, since: $0, outages: outages, unknown: unknown)
            }
                ?? UptimeView(day: nil, week: nil, month: nil),
            tags: r.tags, storage: r.beat?.storage, health: r.beat?.health, site: SiteName.name(r.site),
            dependsOn: r.dependsOn,
            checks: CheckStates.shown(r.beat?.checks, device: device.status, since: r.statusSince))
        let days = Availability.days(
            30, now: now, since: timeline.firstSeen, outages: outages, unknown: unknown)
        let stop = current.flatMap {
            CleanStop.opening(
                $0.start, end: now, in: timeline.cleanStops,
                explained: timeline.unreachable + timeline.collectorAway, slack: slack)
        }
        var detail = DeviceDetail(
            view: view, outages: outages, unknown: unknown, firstSeen: timeline.firstSeen, days: days, cleanStop: stop)
        detail.behindParent = timeline.behindParent
        return detail
    }
}
