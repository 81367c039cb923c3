import CollectorRules
import DowntimeProtocol
import Foundation

/// The overview's reads through the facade (the work is `DeviceReader`'s).
extension Collector {
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
    /// (`default` for the default site); details built for that page only.
    public func devicePage(after: String?, limit: Int, site: String? = nil) async throws -> DeviceList {
        try await reader.devicePage(after: after, limit: limit, site: site)
    }

    /// Tells open streams the statuses liveness changed without recording a flip (late, maintenance, ...);
    /// run after each sweep, and only while a stream is open.
    public func tellShownChanges() async {
        guard changes.subscriberCount > 0 else { return }
        changes.observe(await fleet.statuses(), at: clock.now())
    }
}
