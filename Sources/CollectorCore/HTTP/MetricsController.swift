import CollectorRules
import DowntimeProtocol
import Foundation
import Hummingbird
import Metrics
import Prometheus

/// `GET /metrics`.
struct MetricsController<Context: RequestContext> {
    let collector: Collector

    func addRoutes(to router: Router<Context>) {
        router.get("/metrics") { _, _ in
            // While the store fails the incident counts are left out (a counter must not fall to 0); the rest is memory.
            let incidents: (all: [Incident.Kind: Int], open: [Incident.Kind: Int])? =
                try await collector.unlessStoreFails(nil) {
                    (try await collector.reads.incidentCounts(), try await collector.reads.openIncidentCounts())
                }
            let now = collector.clock.wall.now()
            // Jobs are read from the store: left out while it fails, like the incident counts.
            let jobs = try await collector.jobsUnlessStoreFails(now: now)
            let text =
                MetricsExport.devices(try await collector.reads.deviceDetails(), now: now)
                + (incidents.map { MetricsExport.incidents($0.all, open: $0.open) } ?? "")
                + MetricsExport.jobs(jobs)
                + MetricsExport.collector(collector.health.snapshot(), selfPing: collector.config.selfPingURL != nil)
                // Only the collector that polls exports UPS series: a follower knows no state of its own.
                + MetricsExport.ups(
                    collector.ups.pollsUPS ? collector.ups.states() : [], counts: collector.ups.eventCounts())
                + MetricsExport.withHelp(MetricsExport.registry.emitToString())
            return TextIO.text(text, contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
    }
}
