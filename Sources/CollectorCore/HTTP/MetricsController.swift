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
                + MetricsExport.collector(collector.health.snapshot(), selfPing: collector.config.selfPingURL != nil)
                + MetricsExport.withHelp(MetricsExport.registry.emitToString())
            return JSONIO.text(text, contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
    }
}
