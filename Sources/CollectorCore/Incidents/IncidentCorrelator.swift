import DowntimeProtocol
import Foundation

/// Finds the incidents of a fleet (pure: devices, their merged outages, the collector's own downtime, `now`).
///
/// - power cut: two or more devices of one site with `power_loss` outages whose starts lie within the tolerance
///   of the incident's first start;
/// - network: the same with `network` outages (the collector saw the device down, the agent reported the
///   collector unreachable over it and did not reboot: `OutageMerger` gives such an outage cause `network`; a reboot
///   inside makes it the agent's `power_loss` or `clean_reboot`, so that device is no network member).
///
/// The tolerance between two starts is `max(tolerance, either outage's precision)`: each start is only as good as
/// the device's last sign of life (its persist interval, or its last beat). Start is the earliest member's start,
/// end the latest member's end. A device joins an incident once. A power cut's start is a UPS's mains-out time
/// instead when a UPS of the site went on battery between the earliest start and the latest start plus its
/// precision (the tolerance either side): that time is exact.
public enum IncidentCorrelator {
    /// Two minutes: twice the agent's default persist interval (60 s), so two devices losing power in the same
    /// second are one cut even when one had persisted just before and the other just after; short enough that two
    /// separate cuts of one evening stay two.
    public static let defaultTolerance: TimeInterval = 120

    /// One outage of a device, as the correlator reads it.
    public struct Outage: Sendable, Equatable {
        public var start: Date
        public var end: Date?
        public var cause: OutageCause
        /// How far the start may be from the real moment (the device's persist interval or beat interval).
        public var precision: TimeInterval

        public init(start: Date, end: Date?, cause: OutageCause, precision: TimeInterval) {
            self.start = start
            self.end = end
            self.cause = cause
            self.precision = precision
        }
    }

    /// A device with its site (as shown) and outages.
    public struct Device: Sendable, Equatable {
        public var name: String
        public var site: String
        public var outages: [Outage]
        /// Since when the device is known (nil: never seen); a device unknown at an incident's start is not
        /// counted as having stayed up.
        public var firstSeen: Date?

        public init(name: String, site: String = SiteName.defaultName, outages: [Outage], firstSeen: Date?) {
            self.name = name
            self.site = site
            self.outages = outages
            self.firstSeen = firstSeen
        }
    }

    /// A UPS's mains-out event, with the site the UPS is in.
    public struct MainsOut: Sendable, Equatable {
        public var site: String
        public var ups: String
        public var at: Date

        public init(site: String, ups: String, at: Date) {
            self.site = site
            self.ups = ups
            self.at = at
        }
    }

    /// The incidents, newest first. `known` are those recorded before: an incident sharing a member outage (device
    /// and start) with one of them keeps its id, so a late member updates the record instead of making another.
    public static func incidents(
        devices: [Device], collectorDown: [DateInterval], collectorSite: String, known: [Incident] = [],
        mainsOut: [MainsOut] = [], now: Date, tolerance: TimeInterval = defaultTolerance
    ) -> [Incident] {
        var found: [Incident] = []
        let bySite = Dictionary(grouping: devices, by: \.site)
        for site in bySite.keys.sorted() {
            let siteDevices = bySite[site]!
            for kind in Incident.Kind.allCases {
                for cluster in clusters(siteDevices, kind: kind, tolerance: tolerance) {
                    found.append(
                        incident(
                            cluster, kind: kind, site: site, siteDevices: siteDevices, collectorDown: collectorDown,
                            collectorSite: collectorSite, known: known, mainsOut: mainsOut, now: now,
                            tolerance: tolerance))
                }
            }
        }
        return found.sorted { ($0.start, $0.id) > ($1.start, $1.id) }
    }

    /// The cause a kind's members have.
    static func cause(of kind: Incident.Kind) -> OutageCause {
        switch kind {
        case .powerCut: .powerLoss
        case .network: .network
        }
    }

    private typealias Candidate = (device: String, outage: Outage)

    /// Groups the site's outages of `kind` by start: each group opens at its earliest start and takes the outages
    /// starting within the tolerance of it (a device once); groups of two or more devices are returned.
    private static func clusters(_ devices: [Device], kind: Incident.Kind, tolerance: TimeInterval) -> [[Candidate]] {
        let wanted = cause(of: kind)
        let candidates = devices.flatMap { d in
            d.outages.filter { $0.cause == wanted }.map { (device: d.name, outage: $0) }
        }
        .sorted { ($0.outage.start, $0.device) < ($1.outage.start, $1.device) }
        var groups: [[Candidate]] = []
        for c in candidates {
            if let index = groups.lastIndex(where: { g in
                let first = g[0].outage
                let limit = max(tolerance, first.precision, c.outage.precision)
                return c.outage.start.timeIntervalSince(first.start) <= limit && !g.contains { $0.device == c.device }
            }) {
                groups[index].append(c)
            } else {
                groups.append([c])
            }
        }
        return groups.filter { Set($0.map(\.device)).count >= 2 }
    }

    private static func incident(
        _ cluster: [Candidate], kind: Incident.Kind, site: String, siteDevices: [Device],
        collectorDown: [DateInterval], collectorSite: String, known: [Incident], mainsOut: [MainsOut], now: Date,
        tolerance: TimeInterval
    ) -> Incident {
        let members = cluster.map {
            Incident.Member(device: $0.device, start: $0.outage.start, end: $0.outage.end, cause: $0.outage.cause)
        }
        let start = members.map(\.start).min()!
        let end: Date? = members.contains { $0.end == nil } ? nil : members.compactMap(\.end).max()
        let span = DateInterval(start: start, end: max(start, end ?? now))
        let names = Set(members.map(\.device))
        let unaffected = siteDevices.filter { d in
            guard !names.contains(d.name), let seen = d.firstSeen, seen <= start else { return false }
            return !d.outages.contains { o in o.start <= span.end && (o.end ?? now) >= span.start }
        }.map(\.name).sorted()
        let down = collectorSite == site && collectorDown.contains { $0.start <= span.end && $0.end >= span.start }
        let previous = known.first { k in
            k.kind == kind && k.site == site
                && k.members.contains { m in
                    members.contains { $0.device == m.device && abs($0.start.timeIntervalSince(m.start)) <= tolerance }
                }
        }
        // The real cut lies between a member's last sign of life and that plus its precision: a mains-out of the
        // site's UPS in that range (with the tolerance either side) is the cut itself, to the second.
        let latest = cluster.map { $0.outage.start + $0.outage.precision }.max()!
        let mains =
            kind == .powerCut
            ? mainsOut.filter { $0.site == site && $0.at >= start - tolerance && $0.at <= latest + tolerance }
                .min { ($0.at, $0.ups) < ($1.at, $1.ups) }
            : nil
        return Incident(
            id: previous?.id ?? Incident.id(kind: kind, site: site, start: start), kind: kind, site: site,
            start: mains?.at ?? start, end: end,
            members: members, unaffected: unaffected, collectorDown: down,
            mainsOut: mains.map { Incident.MainsOut(ups: $0.ups, at: $0.at) })
    }
}
