import ArgumentParser
import CollectorCore
import CurlClient
import DowntimeProtocol
import Foundation
import Hummingbird
import Logging
import Metrics
import Synchronization

/// Flags every command shares: where the data is and which config file to read.
struct StoreOptions: ParsableArguments {
    @Option(help: "Data folder holding downtime.sqlite (env DOWNTIME_DATA_DIR, default ./data).")
    var dataDir: String?

    @Option(help: "Config file of KEY=value lines (env DOWNTIME_CONFIG).")
    var config: String?

    @Option(help: "Database: postgres://user:password@host:port/db for several collectors, or sqlite:PATH (env DOWNTIME_DATABASE, default the data folder's downtime.sqlite).")
    var database: String?

    /// Defaults < config file < environment < flags.
    func resolve(_ flags: [CollectorConfig.Key: String] = [:]) throws -> CollectorConfig {
        let env = ProcessInfo.processInfo.environment
        var layers: [CollectorConfig.Layer] = []
        if let path = config ?? env["DOWNTIME_CONFIG"] {
            let key = config != nil ? "--config" : "DOWNTIME_CONFIG"
            let text: String
            do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw ConfigError(key: key, message: "cannot read \(path): \(FileProblem.reason(error, path: path))")
            }
            layers.append(.file(try CollectorConfig.parseFile(text, name: path), path: path))
        }
        layers.append(CollectorConfig.Layer(CollectorConfig.environmentLayer(env)))
        var mine = flags
        if let dataDir { mine[.dataDir] = dataDir }
        if let database { mine[.database] = database }
        layers.append(.flags(mine))
        return try CollectorConfig.resolve(named: layers)
    }

    func openStore() async throws -> (CollectorConfig, any Store) {
        let config = try resolve()
        return (config, try await config.openStore())
    }
}

/// Runs `body`, turning a configuration or client error into one line on stderr and exit code 2.
func cli<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let e as ConfigError {
        FileHandle.standardError.write(Data("downtime-collector: \(e.description)\n".utf8))
        throw ExitCode(2)
    } catch let e as APIError {
        FileHandle.standardError.write(Data("downtime-collector: \(e.message)\n".utf8))
        throw ExitCode(e.status == .notFound ? 3 : 2)
    }
}

func deviceName(_ raw: String) throws -> String {
    guard let name = DeviceName.normalize(raw) else {
        throw APIError(.badRequest, "invalid device name \(raw): must match [a-z0-9][a-z0-9._-]{0,62}")
    }
    return name
}

@main
struct DowntimeCollector: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "downtime-collector",
        abstract: "DowntimeMon collector: stores device heartbeats and outages, serves the overview on :8899.",
        version: "0.1.0",
        subcommands: [Serve.self, Device.self, Maintenance.self, Notify.self, Log.self, Export.self, MigrateStore.self,
                      TLS.self],
        defaultSubcommand: Serve.self)
}

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
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        // Before the store and the port: a bad certificate never leaves a half-started server.
        let tls = try await cli { () async throws -> TLSReloadService? in
            guard let cert = config.tlsCert, let key = config.tlsKey else { return nil }
            let server = try ServerTLS(certFile: cert, keyFile: key)
            return await TLSReloadService(tls: server, logger: logger)
        }
        if let tls, tls.tls.notValidAfter < Date() {
            logger.warning("the TLS certificate \(tls.tls.certFile) expired at \(tls.tls.notValidAfter): agents will refuse it")
        }
        if let warning = PlainHTTPWarning.text(host: config.host, tls: tls != nil, pagePassword: config.pagePassword != nil,
                                               enrollmentKey: config.enrollmentKey != nil) {
            logger.warning("\(warning)")
        }
        let store = try await cli { try await config.openStore() }
        let collector = try await cli {
            do { return try await Collector.start(store: store, config: config, logger: logger) } catch {
                throw ConfigError(key: config.origin(config.database != nil ? .database : .dataDir),
                                  message: "cannot start: \(config.storeLocation.problem(error))")
            }
        }
        let listening = Mutex(false)
        let scheme = tls == nil ? "http" : "https"
        let app = buildApplication(collector, tls: tls) { port in
            listening.withLock { $0 = true }
            let shown = config.host == "0.0.0.0" ? "localhost" : config.host
            // Unbuffered: scripts and tests wait for this line.
            FileHandle.standardOutput.write(Data("downtime-collector listening on \(scheme)://\(shown):\(port)/\n".utf8))
        }
        do {
            try await app.runService()
        } catch where !listening.withLock({ $0 }) {
            // Nothing listens yet: the address is the problem (taken, not ours, a privileged port).
            FileHandle.standardError.write(Data("downtime-collector: \(ListenProblem.sentence(error, config: config))\n".utf8))
            throw ExitCode(2)
        }
    }
}

struct Device: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage devices.",
        subcommands: [Add.self, List.self, Remove.self, Pause.self, Resume.self, Interval.self, Tag.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a device; prints its token (shown once) on the last line.")
        @Argument var name: String
        @OptionGroup var options: StoreOptions

        func run() async throws {
            let token = try await cli {
                let (_, store) = try await options.openStore()
                return try await Collector.addDevice(name, store: store, now: Date()).token
            }
            print("Added device \(try deviceName(name)). Its token, shown only now (set it as DOWNTIME_TOKEN on the device):")
            print(token)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List devices with their recorded status and last beat.")
        @OptionGroup var options: StoreOptions

        func run() async throws {
            let devices = try await cli { try await options.openStore().1.allDevices() }
            for d in devices {
                let seen = d.beat.map { WireTime.format($0.at) } ?? "never"
                print("\(d.name)\t\(d.paused ? "paused" : d.status.rawValue)\tlast beat \(seen)")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a device, its token and its log.")
        @Argument var name: String
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await cli {
                let n = try deviceName(name)
                guard try await options.openStore().1.removeDevice(named: n) else { throw APIError.noDevice(n) }
                print("Removed \(n).")
            }
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pause a device: no down status while paused.")
        @Argument var name: String
        @OptionGroup var options: StoreOptions
        func run() async throws { try await setPaused(true, name, options) }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a paused device (it gets a fresh window).")
        @Argument var name: String
        @OptionGroup var options: StoreOptions
        func run() async throws { try await setPaused(false, name, options) }
    }

    struct Interval: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the heartbeat interval the collector expects (for /ping devices), or --clear it.")
        @Argument var name: String
        @Argument(help: "Seconds (1 to 86400).") var seconds: Int?
        @Flag(help: "Go back to the interval the agent reports.") var clear = false
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await cli {
                let n = try deviceName(name)
                guard clear || seconds.map({ (1...86_400).contains($0) }) == true else {
                    throw APIError(.badRequest, "give the interval in seconds (1 to 86400), or --clear")
                }
                guard try await options.openStore().1.setInterval(clear ? nil : seconds, device: n) else {
                    throw APIError.noDevice(n)
                }
                print(clear ? "\(n) uses its agent's interval again." : "\(n) is expected every \(seconds!) s.")
            }
        }
    }

    struct Tag: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace a device's tags (none to clear them).")
        @Argument var name: String
        @Argument(help: "Tags: same characters as device names.") var tags: [String] = []
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await cli {
                let n = try deviceName(name)
                let clean = try tags.map { t -> String in
                    guard let v = DeviceName.normalize(t) else { throw APIError(.badRequest, "invalid tag \(t)") }
                    return v
                }
                guard try await options.openStore().1.setTags(clean, device: n) else {
                    throw APIError.noDevice(n)
                }
                print(clean.isEmpty ? "\(n) has no tags." : "\(n): \(clean.joined(separator: ", "))")
            }
        }
    }

    static func setPaused(_ paused: Bool, _ raw: String, _ options: StoreOptions) async throws {
        try await cli {
            let n = try deviceName(raw)
            let (config, store) = try await options.openStore()
            guard try await Collector.setPaused(paused, name: n, store: store, now: Date(), policy: config.policy,
                                                defaultInterval: config.defaultInterval)
            else { throw APIError.noDevice(n) }
            print(paused ? "Paused \(n)." : "Resumed \(n).")
        }
    }
}

struct Maintenance: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Maintenance windows: no alarms, and the time is not counted as downtime.",
        subcommands: [Add.self, Now.self, List.self, Remove.self])

    static func parse(_ spec: String) throws -> MaintenanceWindow {
        do { return try MaintenanceWindow.parse(spec) } catch { throw APIError.badRequest(error) }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a window: TARGET once START END, or TARGET weekly DAYS HH:MM-HH:MM (collector's local time).",
            discussion: "TARGET is all, device:NAME or tag:TAG. Examples: 'all weekly sun 02:00-04:00', "
                + "'tag:office once 2026-12-24T00:00:00Z 2026-12-27T00:00:00Z'.")
        @Argument(help: "The window, as words.") var spec: [String] = []
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await cli {
                let window = try Maintenance.parse(spec.joined(separator: " "))
                let id = try await options.openStore().1.addMaintenance(window)
                print("Added window \(id): \(window.spec)")
            }
        }
    }

    struct Now: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start a window now for a while: TARGET DURATION (e.g. device:pi 2h).")
        @Argument var target: String
        @Argument(help: "Like 90s, 30m, 2h or 1d.") var duration: String
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await cli {
                guard let seconds = Durations.parse(duration) else {
                    throw APIError(.badRequest, "duration must be like 90s, 30m, 2h or 1d")
                }
                let now = Date()
                let spec = "\(target) once \(WireTime.format(now)) \(WireTime.format(now + seconds))"
                let window = try Maintenance.parse(spec)
                let id = try await options.openStore().1.addMaintenance(window)
                print("Added window \(id): \(window.spec)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the windows added with the CLI.")
        @OptionGroup var options: StoreOptions
        func run() async throws {
            for w in try await cli({ try await options.openStore().1.maintenanceWindows() }) {
                print("\(w.id ?? 0)\t\(w.spec)")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a window by its id.")
        @Argument var id: Int64
        @OptionGroup var options: StoreOptions
        func run() async throws {
            try await cli {
                guard try await options.openStore().1.removeMaintenance(id: id) else {
                    throw APIError(.notFound, "no maintenance window \(id)")
                }
                print("Removed window \(id).")
            }
        }
    }
}

struct Notify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Notification channels (DOWNTIME_NOTIFY).",
                                                    subcommands: [List.self, Test.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the configured channels.")
        @OptionGroup var options: StoreOptions
        func run() async throws {
            for n in try await cli({ try options.resolve().notifiers }) {
                print("\(n.name)\t\(n.kind.rawValue)\t\(CurlClient.redacted(n.url))")
            }
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a test message through one channel now.")
        @Argument var name: String
        @OptionGroup var options: StoreOptions
        func run() async throws {
            let (ok, detail) = try await cli {
                let config = try options.resolve()
                guard let spec = config.notifiers.first(where: { $0.name == name }) else {
                    throw APIError(.notFound, "no channel named \(name); configured: "
                                   + config.notifiers.map(\.name).joined(separator: ", "))
                }
                let store = try await config.openStore()
                let notifier = Notifier(specs: [spec], planner: NotificationPlanner(), store: store,
                                        logger: Logger(label: "downtime-collector"), backoff: [])
                let ok = await notifier.deliver(Collector.testNotification(at: Date()), via: spec)
                return (ok, try await store.deliveries(device: "test", limit: 1).first?.detail ?? "")
            }
            print(ok ? "Sent through \(name) (\(detail))." : "Sending through \(name) failed: \(detail)")
            if !ok { throw ExitCode(1) }
        }
    }
}

struct Log: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a device's log, one line per event.")
    @Argument var name: String
    @OptionGroup var options: StoreOptions

    func run() async throws {
        try await cli {
            let n = try deviceName(name)
            let store = try await options.openStore().1
            guard try await store.device(named: n) != nil else { throw APIError.noDevice(n) }
            for row in try await store.events(device: n, since: nil, afterSeq: nil, limit: Int.max) {
                print(LogFormat.line(row.event))
            }
        }
    }
}

struct Export: AsyncParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json }
    static let configuration = CommandConfiguration(abstract: "Export every device's log as CSV or JSON.")
    @Option(help: "csv or json") var format: Format = .csv
    @OptionGroup var options: StoreOptions

    func run() async throws {
        try await cli {
            let rows = try await options.openStore().1.allEvents()
            switch format {
            case .csv:
                print(LogFormat.csvHeader)
                for r in rows { print(LogFormat.csvRow(r.event)) }
            case .json:
                print(String(decoding: try WireCoding.encode(EventList(events: rows.map(\.event), next: nil)), as: UTF8.self))
            }
        }
    }
}

struct MigrateStore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-store",
        abstract: "Copy every row of a SQLite store into an empty PostgreSQL database, then compare the counts.",
        discussion: "Stop the collector first. Example: downtime-collector migrate-store --from sqlite:/var/lib/downtime-collector/downtime.sqlite "
            + "--to postgres://downtime:secret@db.lan:5432/downtime")
    @Option(help: "The SQLite store: sqlite:PATH.") var from: String
    @Option(help: "The PostgreSQL database: postgres://user:password@host:port/db (must be empty).") var to: String

    func run() async throws {
        try await cli {
            guard case .sqlite(let path) = try StoreLocation(from, key: "--from") else {
                throw ConfigError(key: "--from", message: "expected sqlite:PATH")
            }
            guard case .postgres(let url) = try StoreLocation(to, key: "--to") else {
                throw ConfigError(key: "--to", message: "expected postgres://user:password@host:port/database")
            }
            guard FileManager.default.fileExists(atPath: path) else { throw ConfigError(key: "--from", message: "no such file \(path)") }
            let source = try SQLiteStore(path: path)
            let target = try await PostgresStore.open(url)
            do {
                let counts = try await StoreMigration.copy(from: source, to: target)
                print("Copied \(path) to \(url):")
                for c in counts { print("  \(c.table)\t\(c.rows) rows (same in both)") }
            } catch let e as StoreMigration.Failure {
                throw ConfigError(key: "migrate-store", message: e.description)
            }
        }
    }
}

/// `tls init`: a small private CA and a server certificate made with openssl, for people without a certificate.
struct TLS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tls", abstract: "HTTPS certificates.",
                                                    subcommands: [Init.self])

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a private CA and a server certificate in DATA_DIR/tls; print what agents need.",
            discussion: "Run it again to renew: the CA and the server key are kept, so agents' CA file and pin stay "
                + "valid; then send the collector SIGHUP (it also notices the new files within seconds).")
        @Option(help: "A DNS name agents use to reach the collector (repeatable).") var host: [String] = []
        @Option(help: "An IP address agents use to reach the collector (repeatable).") var ip: [String] = []
        @Option(help: "Days the server certificate is valid (1 to 825).") var days = 825
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await cli {
                guard !host.isEmpty || !ip.isEmpty else {
                    throw ConfigError(key: "tls init", message: "give at least one --host NAME or --ip ADDRESS")
                }
                guard (1...825).contains(days) else { throw ConfigError(key: "--days", message: "must be from 1 to 825") }
                for h in host where !h.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }) {
                    throw ConfigError(key: "--host", message: "\(h) is not a DNS name")
                }
                for a in ip where !Self.isIPAddress(a) {
                    throw ConfigError(key: "--ip", message: "\(a) is not an IPv4 or IPv6 address")
                }
                let dir = (try options.resolve().dataDir as NSString).appendingPathComponent("tls")
                let made = try CertificateMaker(dir: dir).make(hosts: host, ips: ip, days: days)
                print("""
                    Certificate for \((host + ip).joined(separator: ", ")) in \(dir):
                      server certificate: \(made.cert)
                      server key:         \(made.key)
                    Start the collector with:
                      --tls-cert \(made.cert) --tls-key \(made.key)
                    Copy to each agent the CA file, or give it the pin (or both):
                      CA file:    \(made.caFile)
                      SHA-256 pin: \(made.pin)
                    e.g. downtime-agent --collector https://\(host.first ?? ip[0]):8899 --ca-file /etc/downtime-agent/ca.pem \\
                         --pin-sha256 '\(made.pin)'
                    """)
            }
        }

        static func isIPAddress(_ text: String) -> Bool {
            var v4 = in_addr(), v6 = in6_addr()
            return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
        }
    }
}
