import DowntimeProtocol

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Everything the agent is told, from flags and the environment (flags win).
public struct AgentConfig: Sendable, Equatable {
    public var collectorURL: String
    public var device: String
    public var token: String?
    public var stateDir: String
    public var interval: Int
    public var persistInterval: Int
    public var enrollmentKey: String?
    public var caFile: String?
    /// `sha256//BASE64` pins of the collector's public key (`;` between several), as libcurl takes them.
    public var pinSHA256: String?
    public var bootIDFile: String
    public var uptimeFile: String
    public var timeSyncFile: String
    /// Stands for `/` when reading the power and temperature files (a test hook, like the boot-fact files).
    public var sysfsRoot: String
    public var outboxLimits: OutboxLimits
    public var verbose: Bool
    /// The service checks to run on the device (`DOWNTIME_CHECKS`, `--check`).
    public var checks: [CheckSpec]

    public init(
        collectorURL: String, device: String, token: String? = nil, stateDir: String, interval: Int = 10,
        persistInterval: Int = 60, enrollmentKey: String? = nil, caFile: String? = nil, pinSHA256: String? = nil,
        bootIDFile: String = LinuxBootFacts.defaultBootIDFile, uptimeFile: String = LinuxBootFacts.defaultUptimeFile,
        timeSyncFile: String = LinuxBootFacts.defaultTimeSyncFile, outboxLimits: OutboxLimits = OutboxLimits(),
        sysfsRoot: String = "/", verbose: Bool = false, checks: [CheckSpec] = []
    ) {
        self.collectorURL = collectorURL
        self.device = device
        self.token = token
        self.stateDir = stateDir
        self.interval = interval
        self.persistInterval = persistInterval
        self.enrollmentKey = enrollmentKey
        self.caFile = caFile
        self.pinSHA256 = pinSHA256
        self.bootIDFile = bootIDFile
        self.uptimeFile = uptimeFile
        self.timeSyncFile = timeSyncFile
        self.sysfsRoot = sysfsRoot
        self.outboxLimits = outboxLimits
        self.verbose = verbose
        self.checks = checks
    }

    /// What the command line asks for.
    public enum Command: Sendable, Equatable {
        case run(AgentConfig)
        /// `downtime-agent maintenance ...`: announce or end a maintenance window, then exit.
        case maintenance(AgentConfig, MaintenanceRequest)
        case maintenanceHelp
        /// `downtime-agent job NAME -- COMMAND…`: run a job and report it. The configuration is kept with its error:
        /// a wrapper that cannot report still runs the command.
        case job(JobRequest, Result<AgentConfig, ConfigError>)
        case jobHelp
        case help
        case version
    }

    /// One option: its flag, its environment variable (if any) and its help text.
    struct Option {
        var flag: String
        var env: String?
        var help: String
        var takesValue = true
    }

    static let options: [Option] = [
        Option(
            flag: "collector", env: "DOWNTIME_COLLECTOR_URL",
            help: "collector base URL, e.g. http://nas.lan:8899 (required)"),
        Option(flag: "device", env: "DOWNTIME_DEVICE", help: "device name (default: the host name, lower-cased)"),
        Option(flag: "token", env: "DOWNTIME_TOKEN", help: "device token (default: STATE_DIR/token)"),
        Option(
            flag: "enrollment-key", env: "DOWNTIME_ENROLLMENT_KEY", help: "enroll with this key when there is no token"),
        Option(
            flag: "state-dir", env: "DOWNTIME_STATE_DIR",
            help: "state folder (default: $STATE_DIRECTORY or /var/lib/downtime-agent)"),
        Option(flag: "interval", env: "DOWNTIME_INTERVAL", help: "heartbeat interval in seconds (default 10)"),
        Option(
            flag: "persist-interval", env: "DOWNTIME_PERSIST_INTERVAL",
            help: "state-file write interval in seconds (default 60)"),
        Option(
            flag: "ca-file", env: "DOWNTIME_CA_FILE", help: "PEM file of CAs to trust for https (default: system store)"
        ),
        Option(
            flag: "pin-sha256", env: "DOWNTIME_PIN_SHA256",
            help: "sha256//BASE64 of the collector's public key (tls init prints it)"),
        Option(
            flag: "outbox-max-events", env: "DOWNTIME_OUTBOX_MAX_EVENTS", help: "outbox bound in events (default 10000)"
        ),
        Option(
            flag: "outbox-max-bytes", env: "DOWNTIME_OUTBOX_MAX_BYTES", help: "outbox bound in bytes (default 8388608)"),
        Option(flag: "boot-id-file", env: "DOWNTIME_BOOT_ID_FILE", help: "default \(LinuxBootFacts.defaultBootIDFile)"),
        Option(flag: "uptime-file", env: "DOWNTIME_UPTIME_FILE", help: "default \(LinuxBootFacts.defaultUptimeFile)"),
        Option(
            flag: "time-sync-file", env: "DOWNTIME_TIME_SYNC_FILE",
            help: "default \(LinuxBootFacts.defaultTimeSyncFile)"),
        Option(
            flag: "sysfs-root", env: "DOWNTIME_SYSFS_ROOT", help: "stands for / for power and temperature files (tests)"
        ),
        Option(
            flag: "check", env: "DOWNTIME_CHECKS",
            help: "a service check NAME=KIND:TARGET [option=value…], repeatable (the variable: ';' between checks)"),
        Option(flag: "verbose", env: nil, help: "also log debug lines", takesValue: false),
    ]

    public static var usage: String {
        var text =
            "usage: downtime-agent [options]\n\nReports this device's heartbeats and outages to a DowntimeMon collector.\n\n"
        for option in options {
            let left = "  --\(option.flag)" + (option.takesValue ? " VALUE" : "")
            text += left.padding(30) + option.help + (option.env.map { " [\($0)]" } ?? "") + "\n"
        }
        text += "  --version".padding(30) + "print the version\n"
        text += "  --help".padding(30) + "print this help\n"
        text += "\n       downtime-agent maintenance ... announces planned work (see maintenance --help)\n"
        text += "       downtime-agent job NAME -- COMMAND ... runs and reports a job (see job --help)\n"
        return text
    }

    /// Parses flags over environment variables; an empty variable counts as unset.
    public static func parse(
        arguments: [String], environment: [String: String], hostName: String, now: Date = Date(),
        timeZone: TimeZone = .current
    ) throws(ConfigError) -> Command {
        var given = Given(environment: environment)
        if arguments.first == "maintenance" {
            let words = Array(arguments.dropFirst())
            if words.contains("--help") || words.contains("-h") { return .maintenanceHelp }
            let (request, rest) = try MaintenanceRequest.parse(words, now: now, timeZone: timeZone)
            if let command = try given.read(rest) { return command }
            return .maintenance(try given.config(environment: environment, hostName: hostName), request)
        }
        if arguments.first == "job" { return try job(Array(arguments.dropFirst()), given, environment, hostName) }
        if let command = try given.read(arguments) { return command }
        return .run(try given.config(environment: environment, hostName: hostName))
    }

    /// `job`'s words: what the user typed wrong is an error (nothing runs); a configuration that cannot report is
    /// kept as its error.
    static func job(_ words: [String], _ given: Given, _ environment: [String: String], _ hostName: String)
        throws(ConfigError) -> Command
    {
        var given = given
        let before = words.firstIndex(of: "--").map { words[..<$0] } ?? words[...]
        if before.contains("--help") || before.contains("-h") { return .jobHelp }
        let (request, rest) = try JobRequest.parse(words)
        if let command = try given.read(rest) { return command }
        do { return .job(request, .success(try given.config(environment: environment, hostName: hostName))) } catch {
            return .job(request, .failure(error))
        }
    }

    /// The values given, by flag, and where each came from, so that an error names what the user set (the
    /// flag or the variable).
    struct Given {
        var values: [String: String] = [:]
        var origin: [String: String] = [:]
        /// Each `--check`, in order: any replaces `DOWNTIME_CHECKS` (flags win).
        var checkFlags: [String] = []

        init(environment: [String: String]) {
            for option in options {
                if let env = option.env, let value = environment[env], !value.isEmpty {
                    values[option.flag] = value
                    origin[option.flag] = env
                }
            }
        }

        /// Reads the flags over the environment's values; `help` or `version` when one asks for it.
        mutating func read(_ arguments: [String]) throws(ConfigError) -> Command? {
            var index = 0
            while index < arguments.count {
                let arg = arguments[index]
                index += 1
                if arg == "--help" || arg == "-h" { return .help }
                if arg == "--version" { return .version }
                let (option, inline) = try Self.option(arg)
                let name = option.flag
                if !option.takesValue {
                    guard inline == nil else { throw ConfigError("--\(name) takes no value") }
                    values[name] = "1"
                    continue
                }
                origin[name] = "--\(name)"
                let value: String
                if let inline {
                    value = inline
                } else {
                    guard index < arguments.count else { throw ConfigError("--\(name) needs a value") }
                    value = arguments[index]
                    index += 1
                }
                if name == "check" { checkFlags.append(value) } else { values[name] = value }
            }
            return nil
        }

        /// The option a `--name` or `--name=value` argument names, and its inline value.
        static func option(_ arg: String) throws(ConfigError) -> (Option, String?) {
            guard arg.hasPrefix("--") else { throw ConfigError("unexpected argument '\(arg)' (see --help)") }
            var name = String(arg.dropFirst(2))
            var inline: String?
            if let eq = name.firstIndex(of: "=") {
                inline = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            guard let option = options.first(where: { $0.flag == name }) else {
                throw ConfigError("unknown option --\(name) (see --help)")
            }
            return (option, inline)
        }

        /// The configuration the values make, each checked.
        func config(environment: [String: String], hostName: String) throws(ConfigError) -> AgentConfig {
            let collector = try collector()
            let device = try device(hostName: hostName)
            let stateDir =
                values["state-dir"] ?? environment["STATE_DIRECTORY"].flatMap { $0.isEmpty ? nil : $0 }
                ?? "/var/lib/downtime-agent"
            let interval = try number("interval", default: 10, range: 1...86_400)
            let persist = try number("persist-interval", default: 60, range: 1...86_400)
            let maxEvents = try number("outbox-max-events", default: 10_000, range: 10...10_000_000)
            let maxBytes = try number("outbox-max-bytes", default: 8 << 20, range: 16_384...(1 << 34))
            for key in ["token", "enrollment-key"] {
                if let value = values[key], !isPrintable(value) {
                    throw ConfigError("\(origin[key] ?? "--\(key)") must be printable ASCII without spaces")
                }
            }
            let pin = try pins(values["pin-sha256"])
            // A pin on a plain-HTTP URL would protect nothing: say so rather than run unprotected.
            if pin != nil, !collector.lowercased().hasPrefix("https://") {
                throw ConfigError("--pin-sha256 needs an https:// collector URL, not '\(collector)'")
            }
            return AgentConfig(
                collectorURL: collector, device: device, token: values["token"], stateDir: stateDir,
                interval: interval, persistInterval: persist, enrollmentKey: values["enrollment-key"],
                caFile: values["ca-file"],
                pinSHA256: pin,
                bootIDFile: values["boot-id-file"] ?? LinuxBootFacts.defaultBootIDFile,
                uptimeFile: values["uptime-file"] ?? LinuxBootFacts.defaultUptimeFile,
                timeSyncFile: values["time-sync-file"] ?? LinuxBootFacts.defaultTimeSyncFile,
                outboxLimits: OutboxLimits(maxCount: maxEvents, maxBytes: maxBytes),
                sysfsRoot: values["sysfs-root"] ?? "/",
                verbose: values["verbose"] != nil, checks: try checks(interval: Double(interval)))
        }

        /// The `--check` flags when there are any, else `DOWNTIME_CHECKS`.
        func checks(interval: Double) throws(ConfigError) -> [CheckSpec] {
            if !checkFlags.isEmpty { return try CheckSpec.unique(checkFlags, interval: interval) }
            return try CheckSpec.parseList(values["check"] ?? "", interval: interval)
        }

        func collector() throws(ConfigError) -> String {
            guard let collector = values["collector"], !collector.isEmpty else {
                throw ConfigError(
                    "no collector: set DOWNTIME_COLLECTOR_URL or --collector (e.g. http://nas.lan:8899)")
            }
            let lower = collector.lowercased()
            let parts = collector.split(separator: "/", omittingEmptySubsequences: false)
            guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), parts.count >= 3, !parts[2].isEmpty,
                isPrintable(collector)
            else {
                throw ConfigError(
                    "\(origin["collector"] ?? "--collector"): collector URL '\(collector)' must look like "
                        + "http://host:port or https://host")
            }
            return collector
        }

        func device(hostName: String) throws(ConfigError) -> String {
            let rawDevice = values["device"] ?? hostName
            guard let device = DeviceName.normalize(rawDevice) else {
                throw ConfigError(
                    "\(origin["device"] ?? "host name"): device name '\(rawDevice)' must match "
                        + "\(DeviceName.rule): set DOWNTIME_DEVICE or --device")
            }
            return device
        }

        func number(_ key: String, default value: Int, range: ClosedRange<Int>) throws(ConfigError) -> Int {
            try AgentConfig.number(values[key], origin[key] ?? "--\(key)", default: value, range: range)
        }

        /// Printable ASCII without spaces.
        func isPrintable(_ text: String) -> Bool {
            text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        }
    }

    /// Checks each pin is `sha256//` and the base64 of 32 bytes; a bare base64 gets the prefix.
    static func pins(_ text: String?) throws(ConfigError) -> String? {
        guard let text else { return nil }
        var out: [String] = []
        for raw in text.split(separator: ";") {
            let item = String(raw).trimmedWhitespace
            let b64 = item.hasPrefix("sha256//") ? String(item.dropFirst(8)) : item
            let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            guard b64.count == 44, b64.hasSuffix("="), b64.dropLast().allSatisfy({ alphabet.contains($0) }) else {
                throw ConfigError(
                    "--pin-sha256 '\(item)' must be sha256// and 44 base64 characters, as tls init prints it")
            }
            out.append("sha256//" + b64)
        }
        guard !out.isEmpty else { throw ConfigError("--pin-sha256 is empty") }
        return out.joined(separator: ";")
    }

    private static func number(_ text: String?, _ name: String, default value: Int, range: ClosedRange<Int>)
        throws(ConfigError) -> Int
    {
        guard let text else { return value }
        guard let parsed = Int(text), range.contains(parsed) else {
            throw ConfigError(
                "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return parsed
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
