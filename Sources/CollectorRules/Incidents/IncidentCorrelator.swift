import DowntimeProtocol
import Foundation

/// Finds the incidents of a fleet (pure: devices, their merged outages, the collector's own downtime, `now`).
///
/// - power cut: two or more devices of one site with `power_loss` outages that can have started at the same moment
///   (each outage's real start lies between its recorded start and that plus its precision; see `clusters`);
/// - network: the same with `network` outages (the collector saw the device down, the agent reported the
///   collector unreachable over it and did not reboot: `OutageMerger` gives such an outage cause `network`; a reboot
///   inside makes it the agent's `power_loss` or `clean_reboot`, so that device is no network member).
///
/// Each start is only as good as the device's last sign of life (its persist interval, or its last beat): that is its
/// precision, and what makes two starts one moment. Start is the earliest member's start,
/// end the latest member's end. A device joins an incident once, its outages the cuts in their order (a flicker: off,
/// on for seconds, off again, is two cuts). A power cut's start is a UPS's mains-out time instead when a UPS of the
/// site went on battery between the earliest start and the latest start plus its precision (the tolerance either
/// side): that time is exact.
public enum IncidentCorrelator {
    /// How long a member may stay silent before the incident closes without it ("never came back"): a day.
    public static let giveUpAfter: TimeInterval = 86_400

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

    /// The incidents, newest first. `known` are those recorded before: an incident made of the same outages as one
    /// of them keeps its id (see `continuing`), so a late member updates the record instead of making another.
    public static func incidents(
        devices: [Device], collectorDown: [DateInterval], collectorSite: String, known: [Incident] = [],
        mainsOut: [MainsOut] = [], now: Date, tolerance: TimeInterval = defaultTolerance
    ) -> [Incident] {
        var found: [Incident] = []
        let bySite = Dictionary(grouping: devices, by: \.site)
        for (site, siteDevices) in bySite.sorted(by: { $0.key < $1.key }) {
            var silentTaken = Set<OutageKey>()
            for kind in Incident.Kind.allCases {
                for group in clusters(siteDevices, kind: kind, tolerance: tolerance) {
                    let silent = silentMembers(of: group, in: siteDevices, taken: &silentTaken)
                    found.append(
                        incident(
                            group.members + silent, kind: kind, site: site, siteDevices: siteDevices,
                            collectorDown: collectorDown, collectorSite: collectorSite, mainsOut: mainsOut, now: now,
                            tolerance: tolerance))
                }
            }
        }
        return continuing(found, known: known, devices: devices, tolerance: tolerance)
            .sorted { ($0.start, $0.id) > ($1.start, $1.id) }
    }

    /// A member's outage by what identifies it: its device and its start.
    private struct OutageKey: Hashable {
        package var device: String
        package var start: Date
    }

    /// Gives each found incident the id of the recorded incident it continues: the one that has the most of its
    /// members' outages (a recorded member stands for the device's outage of the kind's cause that starts nearest the
    /// recorded start, within the tolerance: a start refined later is still the same outage, the next cut's is not).
    /// One recorded incident continues in one found incident at most, so two cuts never share an id and a record is
    /// never rewritten to another cut; the others keep their fresh id, made unique with `-2`, `-3`...
    private static func continuing(
        _ found: [Incident], known: [Incident], devices: [Device], tolerance: TimeInterval
    ) -> [Incident] {
        let byName = Dictionary(devices.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        func outage(of m: Incident.Member, kind: Incident.Kind) -> OutageKey? {
            let wanted = cause(of: kind)
            let distance = { (o: Outage) in abs(o.start.timeIntervalSince(m.start)) }
            // A silent member's outage is `unknown` until its agent reports, then of the kind's cause.
            let nearest = byName[m.device]?.outages
                .filter {
                    ($0.cause == wanted || $0.cause == .unknown) && distance($0) <= max(tolerance, $0.precision)
                }
                .min { (distance($0), $0.start) < (distance($1), $1.start) }
            return nearest.map { OutageKey(device: m.device, start: $0.start) }
        }
        let order = found.indices.sorted { (found[$0].start, found[$0].id) < (found[$1].start, found[$1].id) }
        let recorded = known.sorted { $0.id < $1.id }
        var pairs: [(shared: Int, found: Int, known: Int)] = []
        for (k, record) in recorded.enumerated() {
            let outages = Set(record.members.compactMap { outage(of: $0, kind: record.kind) })
            for (rank, f) in order.enumerated() where found[f].kind == record.kind && found[f].site == record.site {
                let shared = found[f].members.filter {
                    outages.contains(OutageKey(device: $0.device, start: $0.start))
                }.count
                if shared > 0 { pairs.append((shared, rank, k)) }
            }
        }
        var result = found
        var given: [Int: String] = [:]
        var taken = Set<Int>()
        for p in pairs.sorted(by: { ($1.shared, $0.found, $0.known) < ($0.shared, $1.found, $1.known) })
        where given[p.found] == nil && !taken.contains(p.known) {
            given[p.found] = recorded[p.known].id
            taken.insert(p.known)
        }
        var used = Set(given.values)
        for (rank, f) in order.enumerated() {
            var id = given[rank] ?? found[f].id
            if given[rank] == nil {
                var n = 1
                while used.contains(id) {
                    n += 1
                    id = "\(found[f].id)-\(n)"
                }
            }
            used.insert(id)
            result[f].id = id
        }
        return result
    }

    /// The cause a kind's members have.
    package static func cause(of kind: Incident.Kind) -> OutageCause {
        switch kind {
        case .powerCut: .powerLoss
        case .network: .network
        }
    }

    private typealias Candidate = (device: String, outage: Outage)

    /// Groups the site's outages of `kind` into cuts: an outage's real start lies in `realStart` (from its recorded
    /// start, the device's last sign of life, to that plus its precision, never after its end; 2 s of simultaneity);
    /// the outages of one cut are those whose such windows share a moment. The cuts are taken one by one, each at the
    /// moment the most devices share (the earliest such moment on a tie), with each device's earliest outage there;
    /// those outages are then taken out and the next cut found, until no moment is shared by two devices. Taking
    /// outages in order of start instead let a device's short outage that ended just before a site cut hold the
    /// cut's place (campaign seeds 277 and 307), or chained separate cuts (docs/DESIGN.md "One moment").
    private static func clusters(_ devices: [Device], kind: Incident.Kind, tolerance: TimeInterval) -> [Cluster] {
        let wanted = cause(of: kind)
        var pool = devices.flatMap { d in
            d.outages.filter { $0.cause == wanted }.map { (device: d.name, outage: $0) }
        }
        .sorted { ($0.outage.start, $0.device) < ($1.outage.start, $1.device) }
        var groups: [Cluster] = []
        while let moment = busiestMoment(pool) {
            var members: [Candidate] = []
            for c in pool
            where realStart(of: c.outage).contains(moment) && !members.contains(where: { $0.device == c.device }) {
                members.append(c)
            }
            guard let window = common(members) else { break }
            groups.append(Cluster(members: members, window: window))
            pool.removeAll { c in members.contains { $0.device == c.device && $0.outage == c.outage } }
        }
        return groups.sorted {
            ($0.window.lowerBound, $0.members[0].device) < ($1.window.lowerBound, $1.members[0].device)
        }
    }

    /// The earliest moment that the real-start windows of the most distinct devices contain, when that is two or
    /// more (a sweep over the windows' ends: a device counts once however many of its windows hold the moment).
    private static func busiestMoment(_ pool: [Candidate]) -> Date? {
        // Opens sort before closes at the same instant: windows are closed ranges.
        let edges = pool.flatMap { c -> [(at: Date, opens: Bool, device: String)] in
            let w = realStart(of: c.outage)
            return [(w.lowerBound, true, c.device), (w.upperBound, false, c.device)]
        }
        .sorted { ($0.at, $0.opens ? 0 : 1) < ($1.at, $1.opens ? 0 : 1) }
        var open: [String: Int] = [:]
        var best: (count: Int, at: Date)?
        for e in edges {
            if e.opens {
                open[e.device, default: 0] += 1
                if open.count > (best?.count ?? 1) { best = (open.count, e.at) }
            } else {
                open[e.device, default: 1] -= 1
                if open[e.device] == 0 { open[e.device] = nil }
            }
        }
        return best?.at
    }

    /// The moment the members' real starts share (nil: none).
    private static func common(_ members: [Candidate]) -> ClosedRange<Date>? {
        guard let first = members.first else { return nil }
        var w = realStart(of: first.outage)
        for m in members.dropFirst() {
            let r = realStart(of: m.outage)
            guard w.overlaps(r) else { return nil }
            w = max(w.lowerBound, r.lowerBound)...min(w.upperBound, r.upperBound)
        }
        return w
    }

    /// The outages of one cut and the moment they share.
    private struct Cluster {
        package var members: [Candidate]
        package var window: ClosedRange<Date>
    }

    /// The open-incident rule: the site's devices that went silent in the cut's moment and have not reported since
    /// (an `unknown` outage whose real start meets the cut's window; typically still down: its power supply died)
    /// are members too, so the worst-hit device is not the one the incident forgets. Each such outage joins one cut
    /// (the earliest of the site's that it meets); once its agent reports, the outage takes the reported cause and
    /// is an ordinary member, or none.
    private static func silentMembers(
        of group: Cluster, in siteDevices: [Device], taken: inout Set<OutageKey>
    ) -> [Candidate] {
        let inGroup = Set(group.members.map(\.device))
        var out: [Candidate] = []
        for d in siteDevices.sorted(by: { $0.name < $1.name }) where !inGroup.contains(d.name) {
            guard
                let o = d.outages.first(where: {
                    $0.cause == .unknown && realStart(of: $0).overlaps(group.window)
                        && !taken.contains(OutageKey(device: d.name, start: $0.start))
                })
            else { continue }
            taken.insert(OutageKey(device: d.name, start: o.start))
            out.append((d.name, o))
        }
        return out
    }

    /// Devices' clocks (NTP: milliseconds) and their agents' ticks differ a little: windows this much wider either side.
    public static let simultaneity: TimeInterval = 2

    /// Where the real start of `outage` may lie: from its start less the simultaneity to its start plus its
    /// precision and the simultaneity, but never after its end (a device back up at 10 s lost its power before then;
    /// the other device's window already has the simultaneity on its side).
    package static func realStart(of outage: Outage) -> ClosedRange<Date> {
        let latest = outage.start + max(0, outage.precision) + simultaneity
        return (outage.start - simultaneity)...max(outage.start, min(latest, outage.end ?? .distantFuture))
    }

    private static func incident(
        _ cluster: [Candidate], kind: Incident.Kind, site: String, siteDevices: [Device],
        collectorDown: [DateInterval], collectorSite: String, mainsOut: [MainsOut], now: Date, tolerance: TimeInterval
    ) -> Incident {
        let members = cluster.map {
            Incident.Member(
                device: $0.device, start: $0.outage.start, end: $0.outage.end, cause: $0.outage.cause,
                neverCameBack: $0.outage.end == nil && now.timeIntervalSince($0.outage.start) >= giveUpAfter)
        }
        .sorted { ($0.start, $0.device) < ($1.start, $1.device) }
        let start = members.map(\.start).min() ?? now
        let end = closing(members, now: now)
        let span = DateInterval(start: start, end: max(start, end ?? now))
        let names = Set(members.map(\.device))
        let unaffected = siteDevices.filter { d in
            guard !names.contains(d.name), let seen = d.firstSeen, seen <= start else { return false }
            return !d.outages.contains { o in o.start <= span.end && (o.end ?? now) >= span.start }
        }.map(\.name).sorted()
        let down = collectorSite == site && collectorDown.contains { $0.start <= span.end && $0.end >= span.start }
        // The real cut lies between a member's last sign of life and that plus its precision: a mains-out of the
        // site's UPS in that range (with the tolerance either side) is the cut itself, to the second.
        let latest = cluster.map { $0.outage.start + $0.outage.precision }.max() ?? start
        let mains =
            kind == .powerCut
            ? mainsOut.filter { $0.site == site && $0.at >= start - tolerance && $0.at <= latest + tolerance }
                .min { ($0.at, $0.ups) < ($1.at, $1.ups) }
            : nil
        return Incident(
            id: Incident.id(kind: kind, site: site, start: start), kind: kind, site: site,
            start: mains?.at ?? start, end: end,
            members: members, unaffected: unaffected, collectorDown: down,
            mainsOut: mains.map { Incident.MainsOut(ups: $0.ups, at: $0.at) })
    }

    /// An incident's end: open (nil) while a member is still down and not given up on; then the latest end of
    /// those that came back (or, had none come back, the moment the last was given up on).
    package static func closing(_ members: [Incident.Member], now: Date) -> Date? {
        if members.contains(where: { $0.standing == .stillDown }) { return nil }
        return members.compactMap(\.end).max()
            ?? members.map { $0.start + giveUpAfter }.max()
    }
}
