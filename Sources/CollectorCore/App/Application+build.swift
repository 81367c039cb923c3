import CollectorRules
import DowntimeProtocol
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import ServiceLifecycle

/// Runs the sweeper and the heartbeat flusher until shutdown, then flushes once more.
struct CollectorService: Service {
    let collector: Collector
    static let stallSlack = Fleet.stallSlack

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var lastFlush = ContinuousClock.now
            var lastHousekeeping = ContinuousClock.now - .seconds(3600)
            var lastIncidents = ContinuousClock.now - .seconds(60)
            var delay = collector.config.sweepInterval
            let pulse = PulseTicker(at: collector.time().steady, slack: Self.stallSlack)
            let ticker = Task { [collector] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(PulseTicker.tick))
                    pulse.observe(collector.time().steady)
                }
            }
            defer { ticker.cancel() }
            while !Task.isCancelled {
                let asleep = collector.time().steady
                try? await Task.sleep(for: .seconds(delay))
                let now = collector.time().steady
                let overslept = max(now.timeIntervalSince(asleep) - delay, pulse.take(now))
                if overslept > Self.stallSlack { await collector.sweeper.stalled(for: overslept) }
                do {
                    let nextDown = try await collector.sweeper.sweep()
                    // The deadline is on the monotonic clock, so is the wait.
                    delay = SweepSchedule.delay(
                        nextDown: nextDown, now: collector.time().steady,
                        every: collector.config.sweepInterval)
                    await collector.notifications.tick()
                    await collector.sweeper.tellShownChanges()
                    if ContinuousClock.now - lastFlush >= .seconds(collector.config.flushInterval) {
                        lastFlush = .now
                        try await collector.sweeper.flush()
                    }
                    // Incidents at most every 2 s, and only when outages may have changed (the recorder knows); jobs
                    // then too.
                    if ContinuousClock.now - lastIncidents >= .seconds(2) {
                        lastIncidents = .now
                        try await collector.sweeper.recordIncidents()
                        try await collector.jobJudge.run()
                    }
                    if ContinuousClock.now - lastHousekeeping >= .seconds(3600) {
                        lastHousekeeping = .now
                        try await collector.sweeper.housekeeping.run()
                    }
                } catch is CancellationError {
                    break // shutting down: the final flush below follows
                } catch {
                    // A store fault is logged once per change of state by the collector's health.
                    if collector.health.storeFailed(error, at: collector.time()) == nil {
                        collector.logger.error("background work failed: \(error)")
                    }
                }
            }
        }
        // Open event streams end, or the server's graceful stop would wait on them.
        collector.sweeper.flips.changes.close()
        try await collector.sweeper.flush()
        await collector.leadership.release()
    }
}

/// The router of the collector, used by the server and the tests.
public func buildRouter(_ collector: Collector) -> Router<CollectorRequestContext> {
    // HEAD is answered wherever GET is, as HTTP asks of every server.
    let router = Router(context: CollectorRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: MetricsMiddleware())
    router.add(
        middleware: JSONErrorMiddleware(storeFault: { [collector] in
            collector.health.storeFailed($0, at: collector.time())
        }))
    let limits = RateLimiters(collector.config.rateLimits, clock: collector.clock.wall)
    router.add(
        middleware: AccessMiddleware(
            password: collector.config.pagePassword, failures: limits.passwordFailures, access: collector.access))
    let routes = RouteTable()
    router.add(middleware: MethodNotAllowedMiddleware(table: routes))
    let api = router.group(RouterPath(String(WireProtocol.apiPrefix.dropFirst())))
    IngestController(collector: collector, limits: limits).addRoutes(to: api)
    APIController(collector: collector).addRoutes(to: api)
    UPSController(collector: collector).addRoutes(to: api)
    let keepAlive = Duration.milliseconds(Int64(collector.config.streamKeepAlive * 1000))
    StreamController(collector: collector, keepAlive: keepAlive).addRoutes(to: api)
    WebController(collector: collector).addRoutes(to: router)
    PingController(collector: collector, limits: limits).addRoutes(to: router)
    JobPingController(collector: collector, limits: limits).addRoutes(to: router)
    BadgeController(collector: collector).addRoutes(to: router)
    StatusController(collector: collector, keepAlive: keepAlive).addRoutes(to: router)
    AckController(collector: collector).addRoutes(to: router)
    MetricsController(collector: collector).addRoutes(to: router)
    InstallController().addRoutes(to: router)
    // Every /admin URL answers 404 while no one can log in (no admin password hash, no stored user).
    AdminController(collector: collector).addRoutes(to: router)
    routes.set(router.routes.map { ($0.method, $0.path.description) })
    return router
}

/// The collector application on `collector` (already started), with its background service.
/// With `tls`, HTTPS only (HTTP/1.1), its certificate reloaded on SIGHUP or when the files change.
public func buildApplication(
    _ collector: Collector, tls: TLSReloadService? = nil,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let http1 = HTTP1Channel.Configuration(idleTimeout: .milliseconds(Int64(collector.config.idleTimeout * 1000)))
    let server = tls.map { HTTPServerBuilder.reloadingTLS(http1, tls: $0.tls) } ?? .http1(configuration: http1)
    var services: [any Service] = [CollectorService(collector: collector)]
    if let tls { services.append(tls) }
    if !collector.config.nutServers.isEmpty {
        let clock = collector.clock.wall
        services.append(
            UPSMonitor(
                servers: collector.config.nutServers, interval: collector.config.nutPollInterval,
                backoff: collector.config.nutBackoff, logger: collector.logger,
                now: { clock.now() }, recorder: collector.ups, onEvent: { _ in }))
    }
    if let url = collector.config.selfPingURL {
        let clock = collector.clock.wall
        services.append(
            SelfPing(
                url: url, interval: collector.config.selfPingInterval, timeout: collector.config.selfPingTimeout,
                health: collector.health, now: { clock.now() }))
    }
    if let mqtt = collector.config.mqtt {
        services.append(
            MQTTBridge(
                settings: mqtt, source: collector, pageURL: collector.config.pageURL,
                collectorVersion: CollectorVersion.version, logger: collector.logger))
    }
    return Application(
        router: buildRouter(collector),
        server: server,
        configuration: .init(
            address: .hostname(collector.config.host, port: collector.config.port), serverName: "downtime-collector"),
        services: services,
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? collector.config.port) },
        logger: collector.logger)
}

/// Opens the configured store (SQLite in the data folder by default), starts a collector run and builds the application.
public func buildApplication(
    _ config: CollectorConfig, logger: Logger = Logger(label: "downtime-collector"),
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    let store = try await config.openStore()
    let collector = try await Collector.start(store: store, config: config, logger: logger)
    return buildApplication(collector, onServerRunning: onServerRunning)
}
