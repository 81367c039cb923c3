import DowntimeProtocol
import Foundation

/// What the overview shows, decided from the live devices alone (pure): counts by status and tag, the devices
/// that need a look, and, when asked for (or when the fleet is small), one page of the filtered list.
/// Never a row per device of a large fleet: the caller builds a `DeviceDetail` only for the rows returned.
public struct OverviewModel: Sendable, Equatable {
    /// One device as the model sees it: what liveness says now and the warnings of its newest beat.
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var status: DeviceStatus
        public var tags: [String]
        /// The site as shown (`default` for the default site).
        public var site: String
        public var storageWarning: Bool
        public var powerWarning: Bool
        /// Service checks failing now (0 while the device is not up: its checks are unknown then).
        public var failingChecks: Int

        public init(
            name: String, status: DeviceStatus, tags: [String] = [], site: String = SiteName.defaultName,
            storageWarning: Bool = false, powerWarning: Bool = false, failingChecks: Int = 0
        ) {
            self.name = name
            self.status = status
            self.tags = tags
            self.site = site
            self.storageWarning = storageWarning
            self.powerWarning = powerWarning
            self.failingChecks = failingChecks
        }

        public init(_ d: LiveDevice) {
            self.init(
                name: d.record.name, status: d.status, tags: d.record.tags, site: SiteName.name(d.record.site),
                storageWarning: d.record.beat?.storage != nil,
                powerWarning: d.record.beat?.health?.hasPowerWarning ?? false,
                failingChecks: CheckStates.failing(d.record.beat?.checks, device: d.status))
        }

        public init(_ v: DeviceView) {
            self.init(
                name: v.name, status: v.status, tags: v.tags, site: v.site, storageWarning: v.storage != nil,
                powerWarning: v.health?.hasPowerWarning ?? false,
                failingChecks: v.checks.count { $0.state == .failing })
        }
    }

    /// Why a device needs a look, most pressing first.
    public enum Reason: String, Sendable, CaseIterable, Comparable {
        /// `checks`: up, but a service check on the device fails ("up · 1 check failing"), right after late.
        case down, late, checks, unreachable, flapping, storage, power, back, new, paused

        public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }

        /// Its place in `allCases` (every case is there).
        private var rank: Int { Self.allCases.firstIndex(of: self) ?? Self.allCases.count }
    }

    /// The tunables; the defaults are what the page uses (and DESIGN.md documents).
    public struct Policy: Sendable, Equatable {
        /// How far back "recently flapped" and "recently back" look.
        public var window: TimeInterval = 3600
        /// Down flips (outages begun) within the window that make a device flapping: repeated outages, never one.
        public var flapDowns = 3
        /// Rows of one list page.
        public var pageSize = 100
        /// Most devices listed under "needs a look" (the rest are one click away, filtered by status).
        public var attentionRows = 200
        public init() {}
    }

    /// A row to show: the device's name and status and why it needs a look (empty for a healthy one).
    public struct Row: Sendable, Equatable {
        public var entry: Entry
        public var reasons: [Reason]
        public var recent: RecentFlips
    }

    /// Counts of one tag's devices (tag nil: the devices without any tag).
    public struct TagCount: Sendable, Equatable {
        public var tag: String?
        public var counts: StatusCounts
    }

    public var counts: StatusCounts
    public var tags: [TagCount]
    /// Devices needing a look, most pressing first, at most `policy.attentionRows`.
    public var attention: [Row]
    public var attentionTotal: Int
    /// The page of the list (nil: not asked for and the fleet too large to list whole).
    public var list: [Row]?
    /// How many devices match the list's filter.
    public var listTotal: Int
    /// The cursor of the next list page (nil on the last one).
    public var next: OverviewQuery.Cursor?
    /// The list holds every device (a small fleet without a filter): the page is then exactly today's table.
    public var complete: Bool

    public static func build(
        _ devices: [Entry], recent: [String: RecentFlips], query: OverviewQuery, now: Date,
        policy: Policy = Policy()
    ) -> OverviewModel {
        var counts = StatusCounts()
        var byTag: [String: StatusCounts] = [:]
        var untagged = StatusCounts()
        var attention: [Row] = []
        for d in devices {
            counts.add(d.status)
            if d.tags.isEmpty { untagged.add(d.status) }
            for t in Set(d.tags) { byTag[t, default: StatusCounts()].add(d.status) }
            let why = reasons(d, recent[d.name] ?? RecentFlips(), now: now, policy: policy)
            if !why.isEmpty { attention.append(Row(entry: d, reasons: why, recent: recent[d.name] ?? RecentFlips())) }
        }
        attention.sort { ($0.reasons[0], $0.entry.name) < ($1.reasons[0], $1.entry.name) }
        var tags = byTag.sorted { $0.key < $1.key }.map { TagCount(tag: $0.key, counts: $0.value) }
        if untagged.total > 0 { tags.append(TagCount(tag: nil, counts: untagged)) }
        var model = OverviewModel(
            counts: counts, tags: tags, attention: Array(attention.prefix(policy.attentionRows)),
            attentionTotal: attention.count, list: nil, listTotal: 0, next: nil, complete: false)
        let small = devices.count <= policy.pageSize && !query.asksForList
        guard small || query.asksForList else { return model }
        let matching = devices.filter { query.matches($0) }.sorted { ($0.status, $0.name) < ($1.status, $1.name) }
        let rest = query.cursor.map { c in matching.filter { ($0.status, $0.name) > (c.status, c.name) } } ?? matching
        let page = rest.prefix(policy.pageSize).map { d in
            Row(
                entry: d, reasons: reasons(d, recent[d.name] ?? RecentFlips(), now: now, policy: policy),
                recent: recent[d.name] ?? RecentFlips())
        }
        model.list = page
        model.listTotal = matching.count
        if rest.count > policy.pageSize, let last = page.last {
            model.next = OverviewQuery.Cursor(status: last.entry.status, name: last.entry.name)
        }
        model.complete = small
        return model
    }

    /// Why `d` needs a look now, most pressing first (empty: it does not).
    public static func reasons(_ d: Entry, _ recent: RecentFlips, now: Date, policy: Policy = Policy()) -> [Reason] {
        var out: [Reason] = []
        switch d.status {
        case .down: out.append(.down)
        case .late: out.append(.late)
        case .unreachable: out.append(.unreachable)
        case .paused: out.append(.paused)
        case .new: out.append(.new)
        case .up: break
        }
        let since = now - policy.window
        if recent.downs.filter({ $0 >= since }).count >= policy.flapDowns { out.append(.flapping) }
        if d.status == .up, let back = recent.lastBack, back >= since { out.append(.back) }
        if d.failingChecks > 0 { out.append(.checks) }
        if d.storageWarning { out.append(.storage) }
        if d.powerWarning { out.append(.power) }
        return out.sorted()
    }
}
