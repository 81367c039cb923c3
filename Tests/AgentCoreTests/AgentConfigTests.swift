import CurlClient
import Testing

@testable import AgentCore

@Suite struct AgentConfigTests {
    func parse(_ args: [String], _ env: [String: String] = [:], host: String = "RaspberryPi") throws(ConfigError)
        -> AgentConfig
    {
        guard case .run(let c) = try AgentConfig.parse(arguments: args, environment: env, hostName: host) else {
            throw ConfigError("not a run")
        }
        return c
    }

    @Test func defaults() throws {
        let c = try parse(["--collector", "http://nas:8899", "--token", "t"])
        #expect(c.device == "raspberrypi")
        #expect(c.interval == 10 && c.persistInterval == 60)
        #expect(c.stateDir == "/var/lib/downtime-agent")
        #expect(c.bootIDFile == "/proc/sys/kernel/random/boot_id" && c.uptimeFile == "/proc/uptime")
        #expect(c.timeSyncFile == "/run/systemd/timesync/synchronized")
        #expect(c.enrollmentKey == nil && c.caFile == nil)
    }

    @Test func environmentIsReadAndFlagsWin() throws {
        let env = [
            "DOWNTIME_COLLECTOR_URL": "http://env:1", "DOWNTIME_DEVICE": "Env-Dev", "DOWNTIME_TOKEN": "envtok",
            "DOWNTIME_STATE_DIR": "/tmp/s", "DOWNTIME_INTERVAL": "5", "DOWNTIME_PERSIST_INTERVAL": "30",
            "DOWNTIME_ENROLLMENT_KEY": "k", "DOWNTIME_CA_FILE": "/etc/ca.pem",
        ]
        let fromEnv = try parse([], env)
        #expect(fromEnv.collectorURL == "http://env:1" && fromEnv.device == "env-dev" && fromEnv.token == "envtok")
        #expect(fromEnv.stateDir == "/tmp/s" && fromEnv.interval == 5 && fromEnv.persistInterval == 30)
        #expect(fromEnv.enrollmentKey == "k" && fromEnv.caFile == "/etc/ca.pem")
        let flags = try parse(
            [
                "--collector=https://flag", "--device", "flagdev", "--interval", "2", "--state-dir", "/x",
                "--token", "ft", "--boot-id-file", "/b", "--uptime-file", "/u", "--time-sync-file", "/t",
            ], env)
        #expect(flags.collectorURL == "https://flag" && flags.device == "flagdev" && flags.interval == 2)
        #expect(flags.stateDir == "/x" && flags.token == "ft" && flags.persistInterval == 30)
        #expect(flags.bootIDFile == "/b" && flags.uptimeFile == "/u" && flags.timeSyncFile == "/t")
    }

    @Test func emptyVariablesCountAsUnsetAndSystemdStateDirectoryIsUsed() throws {
        let c = try parse(
            [],
            [
                "DOWNTIME_COLLECTOR_URL": "http://a", "DOWNTIME_TOKEN": "", "DOWNTIME_DEVICE": "",
                "STATE_DIRECTORY": "/var/lib/private/downtime-agent",
            ])
        #expect(c.token == nil && c.device == "raspberrypi" && c.stateDir == "/var/lib/private/downtime-agent")
    }

    @Test(
        arguments: [
            ([], "no collector"),
            (["--collector", "nas:8899"], "must look like"),
            (["--collector", "ftp://nas"], "must look like"),
            (["--collector", "http://"], "must look like"),
            (["--collector", "http://a", "--interval", "0"], "--interval"),
            (["--collector", "http://a", "--interval", "ten"], "--interval"),
            (["--collector", "http://a", "--persist-interval", "-1"], "--persist-interval"),
            (["--collector", "http://a", "--device", "../etc"], "device name"),
            (["--collector", "http://a", "--colector", "x"], "unknown option --colector"),
            (["--collector", "http://a", "stray"], "unexpected argument"),
            (["--collector"], "needs a value"),
            (["--collector", "http://a", "--token", "has space"], "--token"),
        ] as [([String], String)])
    func badConfigurationIsOneClearError(args: [String], expected: String) {
        do {
            _ = try parse(args)
            Issue.record("\(args) was accepted")
        } catch {
            #expect(error.message.contains(expected), "\(error.message)")
            #expect(!error.message.contains("\n"))
        }
    }

    /// A bad value is blamed on what set it: the variable when it came from the environment, the flag otherwise.
    @Test(
        arguments: [
            ([], ["DOWNTIME_INTERVAL": "ten"], "DOWNTIME_INTERVAL must be a whole number"),
            (["--interval", "ten"], ["DOWNTIME_INTERVAL": "5"], "--interval must be a whole number"),
            ([], ["DOWNTIME_PERSIST_INTERVAL": "0"], "DOWNTIME_PERSIST_INTERVAL must be"),
            ([], ["DOWNTIME_COLLECTOR_URL": "nas:8899"], "DOWNTIME_COLLECTOR_URL: collector URL 'nas:8899'"),
            ([], ["DOWNTIME_DEVICE": "../etc"], "DOWNTIME_DEVICE: device name"),
            ([], ["DOWNTIME_TOKEN": "has space"], "DOWNTIME_TOKEN must be printable"),
        ] as [([String], [String: String], String)])
    func errorsNameTheFlagOrVariableTheValueCameFrom(args: [String], env: [String: String], expected: String) {
        var environment = env
        if environment["DOWNTIME_COLLECTOR_URL"] == nil { environment["DOWNTIME_COLLECTOR_URL"] = "http://a" }
        do {
            _ = try AgentConfig.parse(arguments: args, environment: environment, hostName: "pi")
            Issue.record("\(args) \(env) was accepted")
        } catch {
            #expect(error.message.contains(expected), "\(error.message)")
        }
    }

    @Test func aHostNameThatIsNoDeviceNameAsksForOne() {
        #expect(throws: ConfigError.self) { try parse(["--collector", "http://a"], host: "my pi") }
    }

    @Test func helpAndVersion() throws {
        #expect(try AgentConfig.parse(arguments: ["--version"], environment: [:], hostName: "x") == .version)
        #expect(try AgentConfig.parse(arguments: ["--help"], environment: [:], hostName: "x") == .help)
        for flag in [
            "--collector", "--device", "--token", "--state-dir", "--interval", "--persist-interval",
            "--enrollment-key", "--ca-file", "--pin-sha256", "--boot-id-file", "--uptime-file", "--time-sync-file",
        ] {
            #expect(AgentConfig.usage.contains(flag))
        }
    }
}

@Suite struct TLSOptionTests {
    static let pin = "sha256//" + String(repeating: "A", count: 43) + "="

    func parse(_ args: [String], _ env: [String: String] = [:]) throws(ConfigError) -> AgentConfig {
        guard
            case .run(let c) = try AgentConfig.parse(
                arguments: args + ["--token", "t"], environment: env, hostName: "pi")
        else {
            throw ConfigError("not a run")
        }
        return c
    }

    @Test func pinFromFlagOrEnvironmentNeedsHTTPS() throws {
        #expect(try parse(["--collector", "https://nas", "--pin-sha256", Self.pin]).pinSHA256 == Self.pin)
        #expect(try parse(["--collector", "https://nas"], ["DOWNTIME_PIN_SHA256": Self.pin]).pinSHA256 == Self.pin)
        // The bare base64 gets its prefix; several pins stay several.
        let bare = String(Self.pin.dropFirst(8))
        #expect(
            try parse(["--collector", "https://nas", "--pin-sha256", "\(bare); \(Self.pin)"]).pinSHA256
                == "\(Self.pin);\(Self.pin)")
        for args in [
            ["--collector", "http://nas", "--pin-sha256", Self.pin],
            ["--collector", "https://nas", "--pin-sha256", "sha256//short="],
            ["--collector", "https://nas", "--pin-sha256", "md5//" + String(repeating: "A", count: 43) + "="],
        ] {
            #expect(throws: ConfigError.self, "\(args)") { try parse(args) }
        }
    }

    @Test(arguments: [
        (90, "", TLSFailure?.some(.pinMismatch)), (77, "error setting certificate file", .badCAFile),
        (60, "SSL certificate problem: unable to get local issuer certificate", .untrustedCA),
        (60, "SSL certificate problem: self-signed certificate in certificate chain", .untrustedCA),
        (60, "SSL certificate problem: certificate has expired", .expired),
        (60, "SSL certificate problem: certificate is not yet valid", .notYetValid),
        (60, "SSL: no alternative certificate subject name matches target host name 'localhost'", .hostMismatch),
        (35, "OpenSSL/3.0.19: error:0A00010B:SSL routines::wrong version number", .handshake),
        (7, "Failed to connect to 127.0.0.1 port 1", nil), (28, "Operation timed out", nil),
    ])
    func curlErrorsAreNamed(code: Int, detail: String, expected: TLSFailure?) {
        #expect(TLSFailure.classify(curlCode: code, detail: detail) == expected)
    }
}
