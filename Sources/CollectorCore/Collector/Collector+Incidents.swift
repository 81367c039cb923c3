import CollectorRules
import DowntimeProtocol
import Foundation

/// Recording and reading the incidents (issue #17).
extension Collector {
    /// The leader correlates outages into incidents when they may have changed and records them (see
    /// `IncidentRecorder`); a no-op elsewhere.
    @discardableResult
    public func recordIncidents() async throws -> (new: [Incident], updated: [Incident]) {
        let recorded = try await stored("save_incidents") { try await incidentRecorder.run() }
        await notifications.incidents(new: recorded.new, updated: recorded.updated)
        return recorded
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

    /// How many incidents of each kind are recorded (`downtime_incidents_total`).
    public func incidentCounts() async throws -> [Incident.Kind: Int] {
        try await store.incidentCounts()
    }
}
