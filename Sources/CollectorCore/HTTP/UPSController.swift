import Hummingbird

/// `GET /api/v1/ups`: the configured UPSes, their state and newest events (under the page password).
struct UPSController<Context: RequestContext> {
    let collector: Collector

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("ups") { _, _ in
            try JSONIO.response(UPSList(try await collector.ups.overview(limit: UPSList.eventLimit)))
        }
    }
}
