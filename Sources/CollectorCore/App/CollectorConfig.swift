import DowntimeProtocol
import Foundation

/// Everything the collector is told: flags win over environment variables, which win over the config file.
public struct CollectorConfig: Sendable {
    public var host = "0.0.0.0"
    public var port = 8899
    public var dataDir = "./data"
    /// A PostgreSQL database shared by several collectors (or another SQLite file); nil is the data folder's SQLite.
    public var database: StoreLocation?
    /// Off (nil) unless configured: with it, agents may enroll themselves.
    public var enrollmentKey: String?
    public var policy = LivenessPolicy()
    /// Interval assumed for a device that never said its own.
    public var defaultInterval = 10
    /// How often heartbeats are written to disk and the collector marks itself alive.
    public var flushInterval: TimeInterval = 2
    public var sweepInterval: TimeInterval = 1
    public var maxBodyBytes = 64 * 1024
    public var rateLimits = RateLimits()
    /// A connection that sends nothing (between requests or inside one) for this long is closed.
    public var idleTimeout: TimeInterval = 30
    /// Seconds between the comment lines of a quiet event stream (`GET /api/v1/stream`).
    public var streamKeepAlive: TimeInterval = 20
    /// Days of log kept; nil keeps everything (events are small). Daily figures are kept forever.
    public var retentionDays: Int?
    /// Off (nil) unless configured: with it, pages, the read API, badges and metrics need it (HTTP Basic).
    public var pagePassword: String?
    /// Notification channels.
    public var notifiers: [NotifierSpec] = []
    /// After a down message, how long bouncing stays quiet (one summary at its end).
    public var notifyDamp: TimeInterval = 600
    /// How long an up message waits for the agent's report of the outage.
    public var notifySettle: TimeInterval = 30
    /// How long a down message waits for others, to group many devices going down together.
    public var notifyGroupWindow: TimeInterval = 10
    /// Windows from the configuration (the CLI adds more to the store).
    public var maintenance: [MaintenanceWindow] = []
    /// Where each configured value came from (`--port`, `DOWNTIME_PORT`, `DOWNTIME_PORT in FILE`), so that an error
    /// found later (a taken port, an unwritable data folder) names what the user set; absent means the default.
    public var origins: [Key: String] = [:]
    /// The flag file saying the clock is synchronised (systemd-timesyncd's); at the default path, without
    /// it, the kernel is asked (adjtimex). Another path is trusted alone: absent means unsynchronised.
    public var clockSyncFile = LinuxClockSyncProbe.defaultFlagFile
    /// PEM certificate (chain) and key: with both, the collector serves HTTPS only.
    public var tlsCert: String?
    public var tlsKey: String?
    /// NUT servers whose UPSes are followed (`DOWNTIME_NUT`); none by default.
    public var nutServers: [NUTServerSpec] = []
    /// Seconds between two polls of a NUT server.
    public var nutPollInterval: TimeInterval = 5
    /// Pauses before retrying an unreadable NUT server, the last one repeated.
    public var nutBackoff: [TimeInterval] = [5, 10, 30, 60]

    public init() {}

    /// What to name in a message about `key`: where its value came from, or the variable when it is the default.
    public func origin(_ key: Key) -> String { origins[key] ?? "\(key.rawValue) (default)" }

    /// A source of settings: its values and how to name a key that came from it.
    public struct Layer: Sendable {
        public var values: [Key: String]
        public var name: @Sendable (Key) -> String

        public init(_ values: [Key: String], name: @escaping @Sendable (Key) -> String = { $0.rawValue }) {
            self.values = values
            self.name = name
        }

        /// Values from a config file: named `KEY in FILE`.
        public static func file(_ values: [Key: String], path: String) -> Layer {
            Layer(values) { "\($0.rawValue) in \(path)" }
        }

        /// Values from command-line flags: named by the flag (`--port`).
        public static func flags(_ values: [Key: String]) -> Layer {
            Layer(values) { key in key.flag ?? key.rawValue }
        }
    }

    /// The variable names, which are also the keys of the config file (`KEY=value` lines, `#` comments).
    public enum Key: String, CaseIterable, Sendable {
        case host = "DOWNTIME_HOST"
        case port = "DOWNTIME_PORT"
        case dataDir = "DOWNTIME_DATA_DIR"
        /// `postgres://user:password@host:port/database` or `sqlite:PATH`.
        case database = "DOWNTIME_DATABASE"
        case enrollmentKey = "DOWNTIME_ENROLLMENT_KEY"
        case misses = "DOWNTIME_MISSES"
        case grace = "DOWNTIME_GRACE"
        case defaultInterval = "DOWNTIME_DEFAULT_INTERVAL"
        case retentionDays = "DOWNTIME_RETENTION_DAYS"
        case pagePassword = "DOWNTIME_PAGE_PASSWORD"
        /// Channels separated by `;`, each as `NotifierSpec.parse` reads it.
        case notify = "DOWNTIME_NOTIFY"
        case notifyDampMinutes = "DOWNTIME_NOTIFY_DAMP_MINUTES"
        case notifySettle = "DOWNTIME_NOTIFY_SETTLE"
        /// Windows separated by `;`, each as `MaintenanceWindow.parse` reads it.
        case maintenance = "DOWNTIME_MAINTENANCE"
        case tlsCert = "DOWNTIME_TLS_CERT"
        case tlsKey = "DOWNTIME_TLS_KEY"
        /// UPSes to follow, as `NUTServerSpec.parseList` reads them.
        case nut = "DOWNTIME_NUT"

        /// The command-line flag that sets this key, where there is one.
        public var flag: String? {
            switch self {
            case .host: "--host"
            case .port: "--port"
            case .dataDir: "--data-dir"
            case .database: "--database"
            case .tlsCert: "--tls-cert"
            case .tlsKey: "--tls-key"
            default: nil
            }
        }

        /// Where to read whether the collector's clock is synchronised (see `clockSyncFile`).
        case clockSyncFile = "DOWNTIME_CLOCK_SYNC_FILE"
    }

    /// Parses a config file's text into key/value pairs, refusing unknown keys and malformed lines.
    public static func parseFile(_ text: String, name: String) throws -> [Key: String] {
        var out: [Key: String] = [:]
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let eq = line.firstIndex(of: "=") else {
                throw ConfigError(key: "\(name):\(n + 1)", message: "expected KEY=value")
            }
            let k = line[..<eq].trimmingCharacters(in: .whitespaces)
            var v = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if v.count >= 2, v.first == "\"", v.last == "\"" { v = String(v.dropFirst().dropLast()) }
            guard let key = Key(rawValue: k) else {
                throw ConfigError(key: "\(name):\(n + 1)", message: "unknown key \(k); known: "
                                  + Key.allCases.map(\.rawValue).joined(separator: ", "))
            }
            out[key] = v
        }
        return out
    }

    /// Builds the configuration from layered sources (later layers win) and checks every value.
    public static func resolve(_ layers: [[Key: String]]) throws -> CollectorConfig {
        try resolve(named: layers.map { Layer($0) })
    }

    /// Builds the configuration from named layers (later layers win); an error names where the bad value came from.
    public static func resolve(named layers: [Layer]) throws -> CollectorConfig {
        var merged: [Key: String] = [:]
        var c = CollectorConfig()
        for layer in layers {
            for (key, value) in layer.values {
                merged[key] = value
                c.origins[key] = layer.name(key)
            }
        }
        let origins = c.origins
        func name(_ key: Key) -> String { origins[key] ?? key.rawValue }
        func int(_ key: Key, _ range: ClosedRange<Int>) throws -> Int? {
            guard let v = merged[key] else { return nil }
            guard let n = Int(v), range.contains(n) else {
                throw ConfigError(key: name(key), message: "must be a whole number from \(range.lowerBound) to \(range.upperBound), got \(v)")
            }
            return n
        }
        if let h = merged[.host] {
            guard !h.isEmpty else { throw ConfigError(key: name(.host), message: "must not be empty") }
            c.host = h
        }
        if let p = try int(.port, 0...65535) { c.port = p }
        if let f = merged[.clockSyncFile] {
            guard !f.isEmpty else { throw ConfigError(key: name(.clockSyncFile), message: "must not be empty") }
            c.clockSyncFile = f
        }
        if let d = merged[.dataDir] {
            guard !d.isEmpty else { throw ConfigError(key: name(.dataDir), message: "must not be empty") }
            c.dataDir = d
        }
        if let d = merged[.database], !d.isEmpty { c.database = try StoreLocation(d, key: name(.database)) }
        if let k = merged[.enrollmentKey], !k.isEmpty {
            guard k.count >= 12 else {
                throw ConfigError(key: name(.enrollmentKey), message: "must be at least 12 characters")
            }
            c.enrollmentKey = k
        }
        if let m = try int(.misses, 1...100) { c.policy.misses = m }
        if let g = try int(.grace, 0...3600) { c.policy.grace = TimeInterval(g) }
        if let i = try int(.defaultInterval, 1...86_400) { c.defaultInterval = i }
        // Under 31 days would cut into the 30-day figures the page shows.
        if let r = try int(.retentionDays, 0...100_000), r > 0 {
            guard r >= 31 else { throw ConfigError(key: name(.retentionDays), message: "must be 0 (keep all) or at least 31") }
            c.retentionDays = r
        }
        if let p = merged[.pagePassword], !p.isEmpty { c.pagePassword = p }
        if let n = merged[.notify] {
            do {
                c.notifiers = try n.split(separator: ";").map { try NotifierSpec.parse($0.trimmingCharacters(in: .whitespaces)) }
            } catch {
                throw ConfigError(key: name(.notify), message: (error as? WireValidationError)?.message ?? "invalid")
            }
            guard Set(c.notifiers.map(\.name)).count == c.notifiers.count else {
                throw ConfigError(key: name(.notify), message: "two channels have the same name")
            }
        }
        if let d = try int(.notifyDampMinutes, 0...1440) { c.notifyDamp = TimeInterval(d * 60) }
        if let s = try int(.notifySettle, 0...3600) { c.notifySettle = TimeInterval(s) }
        if let m = merged[.maintenance] {
            do {
                c.maintenance = try m.split(separator: ";").map { try MaintenanceWindow.parse($0.trimmingCharacters(in: .whitespaces)) }
            } catch {
                throw ConfigError(key: name(.maintenance), message: (error as? WireValidationError)?.message ?? "invalid")
            }
        }
        if let n = merged[.nut], !n.trimmingCharacters(in: .whitespaces).isEmpty {
            c.nutServers = try NUTServerSpec.parseList(n, key: name(.nut))
        }
        let cert = merged[.tlsCert].flatMap { $0.isEmpty ? nil : $0 }
        let key = merged[.tlsKey].flatMap { $0.isEmpty ? nil : $0 }
        switch (cert, key) {
        case (nil, nil): break
        case (.some, nil): throw ConfigError(key: name(.tlsKey), message: "a certificate needs its key (--tls-key)")
        case (nil, .some): throw ConfigError(key: name(.tlsCert), message: "a key needs its certificate (--tls-cert)")
        case (let cert?, let key?):
            c.tlsCert = cert
            c.tlsKey = key
        }
        return c
    }

    /// Picks this configuration's keys out of a process environment.
    public static func environmentLayer(_ env: [String: String]) -> [Key: String] {
        var out: [Key: String] = [:]
        for key in Key.allCases { if let v = env[key.rawValue] { out[key] = v } }
        return out
    }

    public var databasePath: String {
        (dataDir as NSString).appendingPathComponent("downtime.sqlite")
    }
}
