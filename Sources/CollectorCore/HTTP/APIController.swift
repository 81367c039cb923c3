import CollectorRules
import DowntimeProtocol
import Foundation
import Hummingbird

/// The read API: devices and their logs, and jobs, as JSON.
struct APIController<Context: RequestContext> {
    let collector: Collector

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("collector") { _, _ in
            try JSONIO.response(CollectorState(collector.health.snapshot()))
        }
        group.get("summary") { _, _ in
            try JSONIO.response(try await collector.reads.summary())
        }
        group.get("devices") { request, _ in
            let query = request.uri.queryParameters
            let limit = try Query.int(query.get("limit"), field: "limit", range: 1...10_000, default: 1000)
            let after = try query.get("cursor").map { c -> String in
                guard let name = DeviceName.normalize(c) else {
                    throw APIError(.badRequest, "invalid cursor", field: "cursor")
                }
                return name
            }
            let site = try OverviewQuery.site(query.get("site"))
            return JSONIO.response(
                json: try await collector.reads.devicePage(after: after, limit: limit, site: site).jsonBytes())
        }
        group.get("incidents") { request, _ in
            let query = request.uri.queryParameters
            let limit = try Query.int(query.get("limit"), field: "limit", range: 1...1000, default: 100)
            let since = try Query.time(query.get("since"), field: "since")
            let site = try OverviewQuery.site(query.get("site"))
            let after = try query.get("cursor").map { c -> String in
                guard Incident.isValidID(c) else { throw APIError(.badRequest, "invalid cursor", field: "cursor") }
                return c
            }
            guard let list = try await collector.reads.incidents(since: since, site: site, after: after, limit: limit)
            else { throw APIError(.badRequest, "invalid cursor: no such incident", field: "cursor") }
            return try JSONIO.response(list)
        }
        group.get("devices/{name}") { _, context in
            let name = try RouteParameters.deviceName(context)
            guard let view = try await collector.reads.deviceView(name) else { throw APIError.noDevice(name) }
            return try JSONIO.response(view)
        }
        addJobRoutes(to: group)
        group.get("devices/{name}/events") { request, context in
            let name = try RouteParameters.deviceName(context)
            let query = request.uri.queryParameters
            let limit = try Query.int(query.get("limit"), field: "limit", range: 1...1000, default: 100)
            let since = try Query.time(query.get("since"), field: "since")
            let cursor = try query.get("cursor").map { c -> Int64 in
                guard let n = Int64(c), n >= 0 else { throw APIError(.badRequest, "invalid cursor", field: "cursor") }
                return n
            }
            guard
                let rows = try await collector.reads.log(device: name, since: since, afterSeq: cursor, limit: limit + 1)
            else { throw APIError.noDevice(name) }
            let page = Array(rows.prefix(limit))
            let next = rows.count > limit ? page.last.map { String($0.seq) } : nil
            return try JSONIO.response(EventList(events: page.map(\.event), next: next))
        }
    }

    /// The registered jobs with their states now, and one job with its last runs (read through `JobBoard`).
    private func addJobRoutes(to group: RouterGroup<Context>) {
        group.get("jobs") { _, _ in
            let entries = try await collector.jobs.entries(now: collector.clock.wall.now())
            return try JSONIO.response(JobList(jobs: entries.map { JobView($0) }))
        }
        group.get("jobs/{name}") { _, context in
            let name = try RouteParameters.jobName(context)
            guard let entry = try await collector.jobs.entry(named: name, now: collector.clock.wall.now()) else {
                throw APIError.noJob(name)
            }
            return try JSONIO.response(JobView(entry, runs: true))
        }
    }
}
