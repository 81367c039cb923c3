import DowntimeProtocol
import Foundation

/// What a public status page shows (pure): each selected device under its label with its state now and 90 daily bars,
/// and the incidents and outages that touched them. It holds nothing else, so nothing else can be shown: no real
/// name, address, token, boot id, agent version, tag, site, note or log line.
public struct StatusPageModel: Sendable, Equatable {
    public static let dayCount = 90
    /// At most this many incidents and outages are listed, newest first.
    public static let entryLimit = 50

    public struct Row: Sendable, Equatable {
        public var label: String
        public var status: DeviceStatus
        /// When the outage it is in began (a down device only).
        public var downSince: Date?
        /// The last 90 UTC days, oldest first.
        public var days: [Availability.Day]

        /// The share of the known time it was up over the 90 days; nil when nothing is known.
        public var uptime: Double? {
            let known = days.reduce(0) { $0 + $1.known }
            guard known > 0 else { return nil }
            return 1 - days.reduce(0) { $0 + $1.down } / known
        }
    }

    /// An incident (several devices of a site at once) or one device's outage.
    public struct Entry: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            case incident(Incident.Kind)
            case outage(OutageCause)

            /// `power_cut`, `network` or `outage`.
            public var code: String {
                switch self {
                case .incident(let k): k.rawValue
                case .outage: "outage"
                }
            }

            /// "Power cut", "Network outage", "Outage (power loss or crash)".
            public var words: String {
                switch self {
                case .incident(.powerCut): "Power cut"
                case .incident(.network): "Network outage"
                case .outage(let cause): cause == .unknown ? "Outage" : "Outage (\(cause.label))"
                }
            }
        }

        public var kind: Kind
        public var start: Date
        /// nil while it goes on.
        public var end: Date?
        /// The labels of the page's devices it touched.
        public var devices: [String]

        public func lengthS(now: Date) -> Double { max(0, (end ?? now).timeIntervalSince(start)) }
    }

    public var title: String
    public var rows: [Row]
    public var entries: [Entry]

    /// The page at `now`: `details` and `stored` (the daily figures kept past the live 30 days) by real name.
    public static func make(
        title: String, members: [StatusPageSelection.Member], details: [String: DeviceDetail],
        stored: [String: [(day: String, down: Double, known: Double)]], incidents: [Incident], now: Date
    ) -> StatusPageModel {
        let rows = members.compactMap { m -> Row? in
            guard let d = details[m.device] else { return nil }
            return Row(
                label: m.label, status: d.view.status, downSince: d.view.currentOutage?.start,
                days: days(live: d.days, stored: stored[m.device] ?? [], now: now))
        }
        let shown = members.filter { details[$0.device] != nil }
        return StatusPageModel(
            title: title, rows: rows, entries: entries(shown, details: details, incidents: incidents, now: now))
    }

    /// The 90 days: the live figures where they reach, the stored daily figures before.
    public static func days(
        live: [Availability.Day], stored: [(day: String, down: Double, known: Double)], now: Date,
        count: Int = dayCount
    ) -> [Availability.Day] {
        let today = (now.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400
        let liveByStart = Dictionary(live.map { ($0.start, $0) }) { a, _ in a }
        let storedByDay = Dictionary(stored.map { ($0.day, $0) }) { a, _ in a }
        return (0..<count).map { i in
            let start = Date(timeIntervalSince1970: today - Double(count - 1 - i) * 86_400)
            if let day = liveByStart[start] { return day }
            if let row = storedByDay[String(WireTime.format(start).prefix(10))] {
                return Availability.Day(start: start, down: row.down, known: row.known)
            }
            return Availability.Day(start: start, down: 0, known: 0)
        }
    }

    /// The incidents with a member on the page, then the members' own outages not part of one, newest first.
    static func entries(
        _ members: [StatusPageSelection.Member], details: [String: DeviceDetail], incidents: [Incident], now: Date
    ) -> [Entry] {
        let label = Dictionary(members.map { ($0.device, $0.label) }) { a, _ in a }
        let since = now - Double(dayCount) * 86_400
        var inIncident = Set<String>()
        var out: [Entry] = []
        for incident in incidents where (incident.end ?? now) >= since {
            let touched = incident.members.filter { label[$0.device] != nil }
            guard !touched.isEmpty else { continue }
            for m in touched { inIncident.insert("\(m.device) \(m.start.timeIntervalSince1970)") }
            var labels: [String] = []
            for m in touched where !labels.contains(label[m.device]!) { labels.append(label[m.device]!) }
            out.append(Entry(kind: .incident(incident.kind), start: incident.start, end: incident.end, devices: labels))
        }
        for m in members {
            for o in details[m.device]?.outages ?? []
            where o.cause != .agentGap && (o.end ?? now) >= since
                && !inIncident.contains("\(m.device) \(o.start.timeIntervalSince1970)")
            {
                out.append(Entry(kind: .outage(o.cause), start: o.start, end: o.end, devices: [m.label]))
            }
        }
        return Array(out.sorted { $0.start > $1.start }.prefix(entryLimit))
    }
}
