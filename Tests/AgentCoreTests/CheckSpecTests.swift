import Testing

@testable import AgentCore

@Suite struct CheckSpecTests {
    func spec(_ text: String, interval: Double = 10) throws(ConfigError) -> CheckSpec {
        try CheckSpec.parse(text, interval: interval)
    }

    @Test(
        arguments: [
            ("ftl=systemd:pihole-FTL.service", CheckKind.systemd(unit: "pihole-FTL.service")),
            ("ssh=tcp:127.0.0.1:22", .tcp(host: "127.0.0.1", port: 22)),
            ("v6=tcp:[::1]:8123", .tcp(host: "::1", port: 8123)),
            ("ha=http:http://127.0.0.1:8123/api/", .http(url: "http://127.0.0.1:8123/api/")),
            ("db=container:postgres-16", .container(name: "postgres-16")),
            ("root=disk:/:90%", .disk(path: "/", maxPercent: 90)),
            ("soc=temp:70", .temp(maxCelsius: 70)),
            ("soc=temp:72.5C", .temp(maxCelsius: 72.5)),
            ("backup=command:/usr/local/bin/check-backup", .command(path: "/usr/local/bin/check-backup")),
        ])
    func kindsAndTargets(text: String, kind: CheckKind) throws {
        #expect(try spec(text).kind == kind)
    }

    @Test func optionsAreTypedAndDefaultsFollowTheInterval() throws {
        let plain = try spec("web=http:http://a/", interval: 30)
        #expect(plain.name == "web" && plain.every == 30 && plain.timeout == 10)
        #expect(plain.options == CheckOptions())
        let quick = try spec("web=http:http://a/", interval: 3)
        #expect(quick.every == 3 && quick.timeout == 3)
        let full = try spec(
            #"Web=http:https://h/x status=200 contains="Home Assistant" timeout=5s every=2m fails=3 notify=no"#)
        #expect(full.name == "web" && full.every == 120 && full.timeout == 5)
        #expect(full.options.status == 200 && full.options.contains == "Home Assistant")
        #expect(full.options.fails == 3 && !full.options.notify)
        let box = try spec("db=container:pg socket=/run/podman/podman.sock timeout=500ms")
        #expect(box.options.socket == "/run/podman/podman.sock" && box.timeout == 0.5)
        let unit = try spec("ftl=systemd:pihole-FTL activating=2m")
        #expect(unit.options.activating == 120 && unit.options.socket == nil)
        #expect(try spec("ftl=systemd:pihole-FTL").options.activating == nil)
    }

    @Test func theVariableSplitsOnSemicolonsAndSkipsBlanks() throws {
        let list = try CheckSpec.parseList(" a=tcp:h:1 ; ;b=temp:70;", interval: 10)
        #expect(list.map(\.name) == ["a", "b"])
        #expect(try CheckSpec.parseList("", interval: 10).isEmpty)
    }

    /// Each bad input is one line naming the check and what is wrong.
    @Test(
        arguments: [
            ("web", "check 'web': must look like NAME=KIND:TARGET"),
            ("=tcp:h:1", "check '=tcp:h:1': must look like"),
            ("Bad Name=tcp:h:1", "check 'Bad Name': the name must match"),
            ("web=", "check 'web': no KIND:TARGET"),
            ("web=htp:http://a", "check 'web': unknown kind 'htp' (kinds: systemd, tcp, http,"),
            ("web=http", "check 'web': 'http' must be KIND:TARGET"),
            ("web=http:", "check 'web': http needs a target"),
            ("web=http:ftp://a", "check 'web': http target 'ftp://a' must be a URL"),
            ("ssh=tcp:host", "check 'ssh': tcp target 'host' must be HOST:PORT"),
            ("ssh=tcp:host:0", "check 'ssh': tcp port '0' must be a number from 1 to 65535"),
            ("ssh=tcp::22", "check 'ssh': tcp target ':22' must be HOST:PORT"),
            ("u=systemd:-x", "check 'u': systemd unit '-x' is not a unit name"),
            ("u=systemd:a;b", "check 'u': systemd unit 'a;b' is not a unit name"),
            ("c=container:-x", "check 'c': container name '-x' must match"),
            ("d=disk:/data", "check 'd': disk target '/data' must be PATH:90%"),
            ("d=disk:/data:90", "check 'd': disk limit '90' must be a percentage"),
            ("d=disk:/data:101%", "check 'd': disk limit '101%' must be a percentage"),
            ("d=disk:data:90%", "check 'd': disk path 'data' must be absolute"),
            ("t=temp:hot", "check 't': temp limit 'hot' must be degrees Celsius"),
            ("t=temp:300", "check 't': temp limit '300' must be degrees Celsius"),
            ("x=command:script.sh", "check 'x': command path 'script.sh' must be absolute"),
            ("w=http:http://a every", "check 'w': option 'every' must be option=value"),
            ("w=http:http://a every=50ms", "check 'w': option every '50ms' must be a duration"),
            ("w=http:http://a every=soon", "check 'w': option every 'soon' must be a duration"),
            ("w=http:http://a timeout=2h", "check 'w': option timeout '2h' must be a duration"),
            ("w=http:http://a status=20", "check 'w': option status must be a whole number from 100 to 599"),
            ("w=http:http://a notify=off", "check 'w': option notify must be yes or no"),
            ("w=http:http://a fails=0", "check 'w': option fails must be a whole number from 1 to 100"),
            ("w=http:http://a colour=red", "check 'w': unknown option 'colour'"),
            ("w=http:http://a every=1s every=2s", "check 'w': option every is given twice"),
            (#"w=http:http://a contains="x"#, "check 'w': a double quote is not closed"),
            ("s=tcp:h:1 status=200", "check 's': option status does not apply to tcp"),
            ("s=tcp:h:1 socket=/run/docker.sock", "check 's': option socket does not apply to tcp"),
            ("t=temp:70 timeout=1s", "check 't': option timeout does not apply to temp"),
            ("c=container:pg socket=run.sock", "check 'c': socket path 'run.sock' must be absolute"),
            ("w=http:http://a activating=1m", "check 'w': option activating does not apply to http"),
            ("u=systemd:cron activating=0.5s", "check 'u': option activating '0.5s' must be a duration"),
            ("u=systemd:cron socket=/run/docker.sock", "check 'u': option socket does not apply to systemd"),
        ])
    func badInputNamesTheCheckAndTheProblem(text: String, message: String) {
        #expect(throws: ConfigError.self) { try spec(text) }
        do {
            _ = try spec(text)
        } catch {
            #expect(error.message.hasPrefix(message), "\(error.message)")
            #expect(!error.message.contains("\n"))
        }
    }

    @Test func aNameGivenTwiceIsRefused() {
        #expect(throws: ConfigError("check 'a': the name is given twice")) {
            try CheckSpec.parseList("a=tcp:h:1;A=temp:70", interval: 10)
        }
    }

    // MARK: - Through the agent's configuration

    func config(_ args: [String], _ env: [String: String] = [:]) throws(ConfigError) -> AgentConfig {
        guard
            case .run(let c) = try AgentConfig.parse(
                arguments: ["--collector", "http://nas:8899", "--token", "t"] + args, environment: env,
                hostName: "pi")
        else { throw ConfigError("not a run") }
        return c
    }

    @Test func theVariableAndTheFlags() throws {
        let env = ["DOWNTIME_CHECKS": "a=tcp:h:1; b=disk:/:90%", "DOWNTIME_INTERVAL": "5"]
        let fromEnv = try config([], env)
        #expect(fromEnv.checks.map(\.name) == ["a", "b"] && fromEnv.checks[0].every == 5)
        // Any --check replaces the variable's list, as every flag wins over its variable.
        let flags = try config(["--check", "c=temp:70 every=1m", "--check=d=command:/bin/true"], env)
        #expect(flags.checks.map(\.name) == ["c", "d"] && flags.checks[0].every == 60)
        #expect(try config([]).checks.isEmpty)
    }

    @Test func aBadCheckIsAConfigurationError() {
        #expect(
            throws: ConfigError(
                "check 'x': unknown kind 'ping' (kinds: systemd, tcp, http, container, disk, temp, command)")
        ) {
            try config(["--check", "x=ping:host"])
        }
        #expect(throws: ConfigError.self) { try config([], ["DOWNTIME_CHECKS": "ok=tcp:h:1;bad=tcp:h"]) }
    }
}
