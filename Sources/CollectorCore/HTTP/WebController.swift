import CollectorRules
import DowntimeProtocol
import Foundation
import Hummingbird

/// The pages people read, the log downloads and the health check.
struct WebController<Context: RequestContext> {
    let collector: Collector
    static var html: String { "text/html; charset=utf-8" }

    func addRoutes(to router: Router<Context>) {
        addPageRoutes(router)
        addHealthRoute(router)
        addLogRoutes(router)
    }

    /// The overview, a device's page and an incident's page.
    private func addPageRoutes(_ router: Router<Context>) {
        router.get("/") { request, _ in
            let q = request.uri.queryParameters
            let query = try OverviewQuery.parse(
                q: q.get("q"), status: q.get("status"), tag: q.get("tag"), site: q.get("site"),
                cursor: q.get("cursor"), checks: q.get("checks"))
            // Taken before the model: a flip recorded meanwhile is replayed to the page's stream.
            let feed = collector.sweeper.flips.changes.position
            let (model, found) = try await collector.reads.overview(query)
            var details = found
            let snoozed = try await collector.unlessStoreFails([:]) { try await collector.reads.snoozed() }
            for (name, until) in snoozed { details[name]?.view.snoozedUntil = until }
            // The devices come from memory; the stored extras wait while the store fails (its banner says so).
            let incidents = try await collector.unlessStoreFails([]) { try await collector.reads.recentIncidents() }
            let ups = try await collector.unlessStoreFails([]) {
                try await collector.ups.overview(limit: UPSSection.eventLimit)
            }
            let now = collector.clock.wall.now()
            let jobs = try await collector.jobsUnlessStoreFails(now: now)
            let page = OverviewPage.render(
                model, details: details, now: now, query: query,
                collector: collector.health.snapshot(), feed: feed, ups: ups, incidents: incidents,
                fleet: model.counts.total > 0 ? try await collector.reads.fleetUptime() : nil, jobs: jobs,
                local: collector.config.localTime)
            return TextIO.text(page, contentType: Self.html, headers: [.cacheControl: "no-store"])
        }
        addDetailRoutes(router)
    }

    private func addHealthRoute(_ router: Router<Context>) {
        // Not ok while the store fails: a supervisor or a proxy sees a collector that cannot record.
        router.get("/healthz") { _, _ in
            let health = collector.health.snapshot()
            guard let fault = health.storeFault else { return try JSONIO.response(["status": "ok"]) }
            var body = ["status": "store failing", "store_fault": fault.rawValue, "error": health.storeError ?? ""]
            if let since = health.storeFailingSince { body["since"] = WireTime.format(since) }
            var response = try JSONIO.response(body, status: .serviceUnavailable)
            response.headers[.retryAfter] = String(StoreFault.retryAfter)
            return response
        }
    }

    private func addDetailRoutes(_ router: Router<Context>) {
        router.get("/devices/{name}") { _, context in
            let name = try RouteParameters.deviceName(context)
            guard var detail = try await collector.reads.deviceDetail(name) else { throw APIError.noDevice(name) }
            detail.view = try await collector.reads.withAlerts(detail.view)
            let log = try await collector.reads.log(device: name, limit: 1_000_000) ?? []
            let deliveries = try await collector.reads.deliveries(device: name, limit: 20)
            let now = collector.clock.wall.now()
            let jobs = try await collector.jobsUnlessStoreFails(now: now, device: name)
            let page = DevicePage.render(
                detail, log: log.map(\.event), now: now, deliveries: deliveries,
                incidents: try await collector.reads.incidents(device: name),
                checkDays: try await collector.reads.checkDays(detail), jobs: jobs)
            return TextIO.text(page, contentType: Self.html, headers: [.cacheControl: "no-store"])
        }
        router.get("/jobs/{name}") { _, context in
            let name = try RouteParameters.jobName(context)
            let now = collector.clock.wall.now()
            guard let entry = try await collector.jobs.entry(named: name, now: now) else { throw APIError.noJob(name) }
            let page = JobPage.render(entry, local: collector.config.localTime, now: now)
            return TextIO.text(page, contentType: Self.html, headers: [.cacheControl: "no-store"])
        }
        router.get("/incidents/{id}") { _, context in
            let id = context.parameters.get("id") ?? ""
            guard Incident.isValidID(id) else { throw APIError(.badRequest, "invalid incident id", field: "id") }
            guard let incident = try await collector.reads.incident(id: id) else {
                throw APIError(.notFound, "no incident \(id)", field: "id")
            }
            let page = IncidentPage.render(incident, now: collector.clock.wall.now())
            return TextIO.text(page, contentType: Self.html, headers: [.cacheControl: "no-store"])
        }
    }

    /// A device's log as text and as CSV.
    private func addLogRoutes(_ router: Router<Context>) {
        router.get("/devices/{name}/log.txt") { _, context in
            let name = try RouteParameters.deviceName(context)
            let log = try await deviceLog(name)
            return TextIO.text(log.map { LogFormat.line($0) + "\n" }.joined(), contentType: "text/plain; charset=utf-8")
        }
        router.get("/devices/{name}/log.csv") { _, context in
            let name = try RouteParameters.deviceName(context)
            let log = try await deviceLog(name)
            let csv = ([LogFormat.csvHeader] + log.map(LogFormat.csvRow)).joined(separator: "\r\n") + "\r\n"
            return TextIO.text(
                csv, contentType: "text/csv; charset=utf-8",
                headers: [.contentDisposition: "attachment; filename=\"\(name).csv\""])
        }
    }

    private func deviceLog(_ name: String) async throws -> [Event] {
        guard let log = try await collector.reads.log(device: name, limit: 10_000_000) else {
            throw APIError.noDevice(name)
        }
        return log.map(\.event)
    }
}
