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
            let text =
                MetricsExport.devices(try await collector.deviceDetails(), now: collector.clock.now())
                + MetricsExport.incidents(try await collector.incidentCounts())
                + MetricsExport.collector(collector.health.snapshot(), selfPing: collector.config.selfPingURL != nil)
                // Only the collector that polls exports UPS series: a follower knows no state of its own.
                + MetricsExport.ups(
                    collector.pollsUPS ? collector.upsStates() : [], counts: collector.upsEventCounts())
                + MetricsExport.withHelp(MetricsExport.registry.emitToString())
            return JSONIO.text(text, contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
    }
}
