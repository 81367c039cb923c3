import ArgumentParser
import CollectorCore
import Foundation
import Hummingbird
import Logging
import Metrics
import Synchronization

/// `serve` (the default): the HTTP API, the pages and the liveness sweeps until SIGTERM.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the collector (HTTP API, pages, liveness).")

    @Option(help: "Address to listen on (env DOWNTIME_HOST, default 0.0.0.0).") var host: String?
    @Option(help: "Port (env DOWNTIME_PORT, default 8899; 0 picks a free one).") var port: String?
    @Option(help: "PEM certificate, a chain allowed (env DOWNTIME_TLS_CERT): serve HTTPS only.") var tlsCert: String?
    @Option(help: "PEM private key of the certificate (env DOWNTIME_TLS_KEY).") var tlsKey: String?
    @OptionGroup var options: StoreOptions

    func run() async throws {
        var flags: [CollectorConfig.Key: String] = [:]
        if let host { flags[.host] = host }
        if let port { flags[.port] = port }
        if let tlsCert { flags[.tlsCert] = tlsCert }
        if let tlsKey { flags[.tlsKey] = tlsKey }
        let config = try await cli { try options.resolve(flags) }
        MetricsSystem.bootstrap(MetricsExport.factory())
        var logger = Logger(label: "downtime-collector")
        logger.logLevel =
            ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        // Before the store and the port: a bad certificate never leaves a half-started server.
        let tls = try await cli { () async throws -> TLSReloadService? in
            guard let cert = config.tlsCert, let key = config.tlsKey else { return nil }
            let server = try ServerTLS(certFile: cert, keyFile: key)
            return await TLSReloadService(tls: server, logger: logger)
        }
        if let tls, tls.tls.notValidAfter < Date() {
            logger.warning(
                "the TLS certificate \(tls.tls.certFile) expired at \(tls.tls.notValidAfter): agents will refuse it")
        }
        if let warning = PlainHTTPWarning.text(
            host: config.host, tls: tls != nil, pagePassword: config.pagePassword != nil,
            enrollmentKey: config.enrollmentKey != nil,
            adminPassword: config.adminPasswordHash != nil)
        {
            logger.warning("\(warning)")
        }
        let store = try await cli { try await config.openStore() }
        let collector = try await cli {
            do { return try await Collector.start(store: store, config: config, logger: logger) } catch {
                throw ConfigError(
                    key: config.origin(config.database != nil ? .database : .dataDir),
                    message: "cannot start: \(config.storeLocation.problem(error))")
            }
        }
        let listening = Mutex(false)
        let scheme = tls == nil ? "http" : "https"
        let app = buildApplication(collector, tls: tls) { port in
            listening.withLock { $0 = true }
            let shown = config.host == "0.0.0.0" ? "localhost" : config.host
            // Unbuffered: scripts and tests wait for this line.
            FileHandle.standardOutput.write(
                Data("downtime-collector listening on \(scheme)://\(shown):\(port)/\n".utf8))
        }
        do {
            try await app.runService()
        } catch  where !listening.withLock({ $0 }) {
            // Nothing listens yet: the address is the problem (taken, not ours, a privileged port).
            FileHandle.standardError.write(
                Data("downtime-collector: \(ListenProblem.sentence(error, config: config))\n".utf8))
            throw ExitCode(2)
        }
    }
}
