import CollectorRules
import CurlClient
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
    /// Off (nil) unless configured: the bcrypt hash of the admin password, which turns on the /admin pages.
    public var adminPasswordHash: String?
    /// Login through a reverse proxy's header (`DOWNTIME_TRUSTED_PROXIES`, `DOWNTIME_AUTH_HEADER`); nil: off.
    public var proxyLogin: ProxyLogin?
    /// Notification channels.
    public var notifiers: [NotifierSpec] = []
    /// After a down message, how long bouncing stays quiet (one summary at its end).
    public var notifyDamp: TimeInterval = 600
    /// How long an up message waits for the agent's report of the outage.
    public var notifySettle: TimeInterval = 30
    /// How long a down message waits for others, to group many devices going down together.
    public var notifyGroupWindow: TimeInterval = 10
    /// The collector's own site (`DOWNTIME_SITE`); nil is the default site. An incident of this site says when
    /// the collector was down with it.
    public var site: String?
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
    /// An outside dead-man's switch the collector requests (GET) on `selfPingInterval`; off (nil) by default.
    public var selfPingURL: String?
    /// Seconds between two self-pings.
    public var selfPingInterval: TimeInterval = 60
    /// Seconds one self-ping may take before it counts as failed.
    public var selfPingTimeout: TimeInterval = 10
    /// The zone messages tell times in (`DOWNTIME_TIMEZONE`, else the machine's); the API and the record stay UTC.
    public var localTime = LocalTime.utc
    /// The MQTT broker the fleet is published to (`DOWNTIME_MQTT_URL`); off (nil) by default.
    public var mqtt: MQTTSettings?
    /// The address people open the pages at (`DOWNTIME_PUBLIC_URL`), for links made outside a request (Home
    /// Assistant's `configuration_url`); nil is `http(s)://HOSTNAME:PORT`.
    public var publicURL: String?

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
        /// A bcrypt hash, as `downtime-collector admin set-password` prints it.
        case adminPasswordHash = "DOWNTIME_ADMIN_PASSWORD_HASH"
        /// CIDRs separated by commas: the addresses of the reverse proxies whose auth header is believed.
        case trustedProxies = "DOWNTIME_TRUSTED_PROXIES"
        /// The header those proxies name the logged-in user in (`Remote-User`).
        case authHeader = "DOWNTIME_AUTH_HEADER"
        /// `viewer` (or `admin`): the role a user the store does not know is created with; unset: refused.
        case authHeaderRole = "DOWNTIME_AUTH_HEADER_ROLE"
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
        /// The collector's own site (docs/DESIGN.md "Sites and incidents"); `default` or unset is the default site.
        case site = "DOWNTIME_SITE"
        /// An http(s) URL the collector GETs on its interval, so that something outside notices when it stops.
        case selfPingURL = "DOWNTIME_SELF_PING_URL"
        case selfPingInterval = "DOWNTIME_SELF_PING_INTERVAL"
        /// `mqtt://user:password@broker:1883` or `mqtts://…`: publish the fleet (Home Assistant discovery).
        case mqttURL = "DOWNTIME_MQTT_URL"
        /// A PEM file of the CA that signed an mqtts broker's certificate (else the system's CAs).
        case mqttCA = "DOWNTIME_MQTT_CA"
        case mqttTopic = "DOWNTIME_MQTT_TOPIC"
        /// Home Assistant's discovery prefix; empty turns discovery off (the plain topics stay).
        case mqttDiscoveryPrefix = "DOWNTIME_MQTT_DISCOVERY_PREFIX"
        case publicURL = "DOWNTIME_PUBLIC_URL"
        /// An IANA zone (`Europe/Berlin`, `UTC`); unset: the machine's own (`TZ`, `/etc/localtime`).
        case timezone = "DOWNTIME_TIMEZONE"

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
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let eq = line.firstIndex(of: "=") else {
                throw ConfigError(key: "\(name):\(index + 1)", message: "expected KEY=value")
            }
            let keyText = line[..<eq].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.first == "\"", value.last == "\"" {
                value = String(value.dropFirst().dropLast())
            }
            guard let key = Key(rawValue: keyText) else {
                throw ConfigError(
                    key: "\(name):\(index + 1)",
                    message: "unknown key \(keyText); known: "
                        + Key.allCases.map(\.rawValue).joined(separator: ", "))
            }
            out[key] = value
        }
        return out
    }

    /// Builds the configuration from layered sources (later layers win) and checks every value.
    public static func resolve(_ layers: [[Key: String]]) throws -> CollectorConfig {
        try resolve(named: layers.map { Layer($0) })
    }

    /// Builds the configuration from named layers (later layers win); an error names where the bad value came from.
    /// The keys are read in a fixed order, so that of several bad values the same one is named.
    public static func resolve(named layers: [Layer]) throws -> CollectorConfig {
        var config = CollectorConfig()
        var values: [Key: String] = [:]
        for layer in layers {
            for (key, value) in layer.values {
                values[key] = value
                config.origins[key] = layer.name(key)
            }
        }
        let merged = Merged(values: values, origins: config.origins)
        try config.readPlaces(merged)
        try config.readFleet(merged)
        try config.readAccess(merged)
        try config.readNotifications(merged)
        try config.readWatchers(merged)
        try config.readOutward(merged)
        try config.readTLS(merged)
        return config
    }

    /// Where the collector listens, keeps its data and reads whether its clock is synchronised.
    private mutating func readPlaces(_ merged: Merged) throws {
        if let host = try merged.nonEmpty(.host) { self.host = host }
        if let p = try merged.int(.port, 0...65535) { port = p }
        if let syncFile = try merged.nonEmpty(.clockSyncFile) { clockSyncFile = syncFile }
        if let dataDir = try merged.nonEmpty(.dataDir) { self.dataDir = dataDir }
        if let d = merged[.database], !d.isEmpty { database = try StoreLocation(d, key: merged.name(.database)) }
    }

    /// Who may enroll, where the collector stands, when a device counts as down and how long the log is kept.
    private mutating func readFleet(_ merged: Merged) throws {
        if let enrollmentKey = merged[.enrollmentKey], !enrollmentKey.isEmpty {
            guard enrollmentKey.count >= 12 else {
                throw ConfigError(key: merged.name(.enrollmentKey), message: "must be at least 12 characters")
            }
            self.enrollmentKey = enrollmentKey
        }
        if let site = merged[.site], !site.isEmpty {
            guard SiteName.isValid(site) else {
                throw ConfigError(key: merged.name(.site), message: "must match \(DeviceName.rule)")
            }
            self.site = SiteName.normalize(site)
        }
        if let m = try merged.int(.misses, 1...100) { policy.misses = m }
        if let g = try merged.int(.grace, 0...3600) { policy.grace = TimeInterval(g) }
        if let i = try merged.int(.defaultInterval, 1...86_400) { defaultInterval = i }
        // Under 31 days would cut into the 30-day figures the page shows.
        if let days = try merged.int(.retentionDays, 0...100_000), days > 0 {
            guard days >= 31 else {
                throw ConfigError(key: merged.name(.retentionDays), message: "must be 0 (keep all) or at least 31")
            }
            retentionDays = days
        }
    }

    /// The page password and the admin password's hash.
    private mutating func readAccess(_ merged: Merged) throws {
        if let p = merged[.pagePassword], !p.isEmpty { pagePassword = p }
        if let hash = merged[.adminPasswordHash], !hash.isEmpty {
            // The value itself is never repeated in the message: it is a password hash.
            guard AdminPassword.isBcryptHash(hash) else {
                throw ConfigError(
                    key: merged.name(.adminPasswordHash),
                    message: "must be a bcrypt hash as `downtime-collector admin set-password` prints it")
            }
            adminPasswordHash = hash
        }
        proxyLogin = try Self.proxyLogin(merged)
    }

    /// The reverse proxy's login: both the proxies and the header, or neither.
    private static func proxyLogin(_ merged: Merged) throws -> ProxyLogin? {
        let proxies = merged[.trustedProxies].map { $0.split(separator: ",").map(String.init) } ?? []
        let header = merged[.authHeader]?.trimmingCharacters(in: .whitespaces) ?? ""
        let role = merged[.authHeaderRole]?.trimmingCharacters(in: .whitespaces) ?? ""
        if proxies.isEmpty && header.isEmpty && role.isEmpty { return nil }
        guard !header.isEmpty, header.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw ConfigError(
                key: merged.name(.authHeader), message: "give the header the proxy names the user in, e.g. Remote-User")
        }
        var trusted: [CIDR] = []
        for text in proxies {
            guard let cidr = CIDR(text) else {
                throw ConfigError(
                    key: merged.name(.trustedProxies), message: "\(text) is not an address or network like 10.0.0.0/8")
            }
            trusted.append(cidr)
        }
        guard !trusted.isEmpty else {
            throw ConfigError(
                key: merged.name(.trustedProxies),
                message:
                    "give the proxies' addresses (e.g. 127.0.0.1/32): without them the header is believed from no one")
        }
        guard role.isEmpty || Role(rawValue: role) != nil else {
            throw ConfigError(key: merged.name(.authHeaderRole), message: "must be viewer or admin, got \(role)")
        }
        return ProxyLogin(trusted: trusted, header: header, createAs: Role(rawValue: role))
    }

    /// The channels, their timing, and the maintenance windows.
    private mutating func readNotifications(_ merged: Merged) throws {
        if let channels = try merged.list(.notify, NotifierSpec.parse) {
            notifiers = channels
            guard Set(notifiers.map(\.name)).count == notifiers.count else {
                throw ConfigError(key: merged.name(.notify), message: "two channels have the same name")
            }
        }
        if let d = try merged.int(.notifyDampMinutes, 0...1440) { notifyDamp = TimeInterval(d * 60) }
        if let s = try merged.int(.notifySettle, 0...3600) { notifySettle = TimeInterval(s) }
        if let windows = try merged.list(.maintenance, MaintenanceWindow.parse) { maintenance = windows }
    }

    /// What the collector watches (UPSes through NUT) and what watches it (the self-ping).
    private mutating func readWatchers(_ merged: Merged) throws {
        if let servers = merged[.nut], !servers.trimmingCharacters(in: .whitespaces).isEmpty {
            nutServers = try NUTServerSpec.parseList(servers, key: merged.name(.nut))
        }
        if let url = merged[.selfPingURL], !url.trimmingCharacters(in: .whitespaces).isEmpty {
            if let problem = Self.selfPingProblem(url) {
                throw ConfigError(key: merged.name(.selfPingURL), message: problem)
            }
            selfPingURL = url
        }
        if let i = try merged.int(.selfPingInterval, 1...86_400) { selfPingInterval = TimeInterval(i) }
    }

    /// How the collector speaks outward: the MQTT broker, the zone of its messages, the address of its pages.
    private mutating func readOutward(_ merged: Merged) throws {
        mqtt = try Self.mqtt(merged.values, name: merged.name)
        let zone = LocalTime.zone(named: merged[.timezone], environment: ProcessInfo.processInfo.environment)
        guard let zone else {
            throw ConfigError(
                key: merged.name(.timezone),
                message:
                    "must be a time zone of the tz database such as Europe/Berlin or UTC, got \(merged[.timezone] ?? "")"
            )
        }
        localTime = LocalTime(zone)
        if let url = merged[.publicURL], !url.isEmpty {
            if let problem = Self.selfPingProblem(url) {
                throw ConfigError(key: merged.name(.publicURL), message: problem)
            }
            publicURL = url
        }
    }

    /// The certificate and its key: both or neither.
    private mutating func readTLS(_ merged: Merged) throws {
        let cert = merged[.tlsCert].flatMap { $0.isEmpty ? nil : $0 }
        let key = merged[.tlsKey].flatMap { $0.isEmpty ? nil : $0 }
        switch (cert, key) {
        case (nil, nil): break
        case (.some, nil):
            throw ConfigError(key: merged.name(.tlsKey), message: "a certificate needs its key (--tls-key)")
        case (nil, .some):
            throw ConfigError(key: merged.name(.tlsCert), message: "a key needs its certificate (--tls-cert)")
        case (let cert?, let key?):
            tlsCert = cert
            tlsKey = key
        }
    }

    /// The MQTT settings, when a broker URL is set; the other MQTT keys alone are an error (they would do nothing).
    static func mqtt(_ merged: [Key: String], name: (Key) -> String) throws -> MQTTSettings? {
        guard let url = merged[.mqttURL].flatMap({ $0.isEmpty ? nil : $0 }) else {
            for k in [Key.mqttCA, .mqttTopic, .mqttDiscoveryPrefix] where merged[k].map({ !$0.isEmpty }) ?? false {
                throw ConfigError(key: name(k), message: "needs DOWNTIME_MQTT_URL (the broker)")
            }
            return nil
        }
        do {
            return try MQTTSettings(
                url: url, caFile: merged[.mqttCA].flatMap { $0.isEmpty ? nil : $0 }, topic: merged[.mqttTopic],
                discoveryPrefix: merged[.mqttDiscoveryPrefix], key: name(.mqttURL))
        } catch let e as ConfigError {
            // The topic and prefix errors name their own key; rename it to where it came from.
            let key = Key(rawValue: e.key).map(name) ?? e.key
            throw ConfigError(key: key, message: e.message)
        }
    }

    /// The pages' address for links made outside a request.
    public var pageURL: String {
        if let publicURL { return publicURL }
        let scheme = tlsCert == nil ? "http" : "https"
        let wildcard = host == "0.0.0.0" || host == "::" || host.isEmpty
        let machine = ProcessInfo.processInfo.hostName
        let name = wildcard ? (machine.isEmpty ? "localhost" : machine) : host
        let shown = name.contains(":") && !name.hasPrefix("[") ? "[\(name)]" : name
        return "\(scheme)://\(shown):\(port)"
    }

    /// Picks this configuration's keys out of a process environment.
    public static func environmentLayer(_ env: [String: String]) -> [Key: String] {
        var out: [Key: String] = [:]
        for key in Key.allCases { if let v = env[key.rawValue] { out[key] = v } }
        return out
    }

    /// What is wrong with a self-ping URL (nil when it is usable): libcurl takes any text, so it is checked here.
    static func selfPingProblem(_ url: String) -> String? {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(),
            scheme == "http" || scheme == "https"
        else { return "must be an http:// or https:// URL, got \(CurlClient.redacted(url))" }
        guard let host = parts.host, !host.isEmpty else { return "must name a host, got \(CurlClient.redacted(url))" }
        return nil
    }

    public var databasePath: String {
        (dataDir as NSString).appendingPathComponent("downtime.sqlite")
    }
}

/// The layers merged (each key's last value), and each key named in an error as where its value came from.
private struct Merged {
    typealias Key = CollectorConfig.Key
    let values: [Key: String]
    let origins: [Key: String]

    subscript(key: Key) -> String? { values[key] }

    func name(_ key: Key) -> String { origins[key] ?? key.rawValue }

    /// A value that may be unset, but not set empty.
    func nonEmpty(_ key: Key) throws -> String? {
        guard let value = values[key] else { return nil }
        guard !value.isEmpty else { throw ConfigError(key: name(key), message: "must not be empty") }
        return value
    }

    /// A whole number within `range`; nil when unset.
    func int(_ key: Key, _ range: ClosedRange<Int>) throws -> Int? {
        guard let text = values[key] else { return nil }
        guard let number = Int(text), range.contains(number) else {
            throw ConfigError(
                key: name(key),
                message: "must be a whole number from \(range.lowerBound) to "
                    + "\(range.upperBound), got \(text)")
        }
        return number
    }

    /// Items separated by `;`, each read by `parse`; a refusal is named after the key. Nil when unset.
    func list<Item>(_ key: Key, _ parse: (String) throws -> Item) throws -> [Item]? {
        guard let text = values[key] else { return nil }
        do {
            return try text.split(separator: ";").map { try parse($0.trimmingCharacters(in: .whitespaces)) }
        } catch {
            throw ConfigError(key: name(key), message: (error as? WireValidationError)?.message ?? "invalid")
        }
    }
}
