import DowntimeProtocol
import Foundation

/// The figures of one digest (docs/DESIGN.md "Digests"), from what the pages read: the devices' merged outages and
/// unknown time (`DeviceDetail`, through `Availability` as the uptime figures), the stored incidents, power warning
/// rows and UPS events. Pure.
public struct DigestReport: Sendable, Equatable {
    /// One device's period.
    public struct DeviceLine: Sendable, Equatable {
        public var name: String
        /// Share of its known time in the period it was up; nil when none of the period is known.
        public var uptime: Double?
        /// Outages (downtime only, as the uptime counts it) overlapping the period.
        public var outages: Int
        /// Seconds down in the period (unknown time left out, as in the uptime).
        public var down: TimeInterval
        /// The longest outage's part within the period.
        public var longest: TimeInterval
        /// How many of its outages had each cause, most first.
        public var causes: [Cause]
    }

    public struct Cause: Sendable, Equatable {
        public var cause: OutageCause
        public var count: Int
    }

    /// A device down at the digest's time, since when.
    public struct DownNow: Sendable, Equatable {
        public var name: String
        public var since: Date?
    }

    /// A device's power warning (under-voltage, throttling) appearing or clearing in the period.
    public struct PowerWarning: Sendable, Equatable {
        public var device: String
        public var at: Date
        public var state: PowerWarningState
        public var warnings: String
    }

    public var period: DateInterval
    public var fleetUptime: Double?
    /// Most downtime first, then by name.
    public var devices: [DeviceLine]
    /// Incidents overlapping the period, oldest first.
    public var incidents: [Incident]
    public var downNow: [DownNow]
    /// Oldest first.
    public var powerWarnings: [PowerWarning]
    /// Oldest first.
    public var upsEvents: [StoredUPSEvent]

    /// The report of `period` at `now` (the period's end or later: an outage still going on counts up to its end).
    /// `logRows` may hold any rows of the devices' logs: the `power_warning` ones within the period are taken.
    public static func make(
        period: DateInterval, now: Date, details: [DeviceDetail], incidents: [Incident], logRows: [StoredEvent],
        upsEvents: [StoredUPSEvent]
    ) -> DigestReport {
        let end = min(period.end, now)
        var lines: [DeviceLine] = []
        var down = 0.0
        var known = 0.0
        for d in details {
            guard let first = d.firstSeen else { continue }
            let figures = Availability.downAndKnown(
                from: period.start, to: end, now: now, since: first, outages: d.outages, unknown: d.unknown)
            down += figures.down
            known += figures.known
            lines.append(line(d, figures: figures, period: DateInterval(start: period.start, end: end), now: now))
        }
        let inPeriod = { (d: Date) in d >= period.start && d <= period.end }
        return DigestReport(
            period: period, fleetUptime: Availability.share(down: down, known: known),
            devices: lines.sorted { ($1.down, $0.name) < ($0.down, $1.name) },
            incidents: incidents.filter { $0.start <= period.end && ($0.end ?? now) >= period.start }
                .sorted { ($0.start, $0.id) < ($1.start, $1.id) },
            downNow: details.filter { $0.view.status == .down }.map {
                DownNow(name: $0.view.name, since: $0.view.currentOutage?.start)
            }.sorted { $0.name < $1.name },
            powerWarnings: logRows.compactMap { row -> PowerWarning? in
                guard case .powerWarning(let state, let words) = row.event.payload, inPeriod(row.event.at) else {
                    return nil
                }
                return PowerWarning(device: row.event.device, at: row.event.at, state: state, warnings: words)
            }.sorted { ($0.at, $0.device) < ($1.at, $1.device) },
            upsEvents: upsEvents.filter { inPeriod($0.at) }.sorted { ($0.at, $0.seq) < ($1.at, $1.seq) })
    }

    private static func line(
        _ d: DeviceDetail, figures: (down: TimeInterval, known: TimeInterval), period: DateInterval, now: Date
    ) -> DeviceLine {
        let overlapping = d.outages.filter(Availability.isDowntime).compactMap { o -> (OutageView, TimeInterval)? in
            let span = DateInterval(start: o.start, end: max(o.start, o.end ?? now))
            guard span.end > period.start, span.start < period.end else { return nil }
            return (o, Availability.clip(span, to: period)?.duration ?? 0)
        }
        let causes = Dictionary(grouping: overlapping.map { $0.0.cause }, by: { $0 }).map {
            Cause(cause: $0.key, count: $0.value.count)
        }
        return DeviceLine(
            name: d.view.name, uptime: Availability.share(down: figures.down, known: figures.known),
            outages: overlapping.count, down: figures.down, longest: overlapping.map { $0.1 }.max() ?? 0,
            causes: causes.sorted { ($1.count, $0.cause.rawValue) < ($0.count, $1.cause.rawValue) })
    }
}
