import DowntimeProtocol
import Foundation
import Testing

/// Certificates made for one test by `downtime-collector tls init` and openssl, in a folder of their own.
struct TestPKI {
    let root: String
    var data: String { root + "/data" }
    var ca: String { data + "/tls/ca.pem" }
    var cert: String { data + "/tls/server.pem" }
    var key: String { data + "/tls/server.key" }
    /// `sha256//…` of the server key, as `tls init` printed it.
    let pin: String
    let initOutput: String

    init(tag: String, args: [String] = ["--ip", "127.0.0.1"]) throws {
        root = try Binaries.tempDir("tls-\(tag)")
        let r = try Binaries.run("downtime-collector", ["tls", "init", "--data-dir", root + "/data"] + args)
        #expect(r.status == 0, "tls init: \(r.err)")
        initOutput = r.out
        pin =
            r.out.split(separator: "\n").first { $0.contains("SHA-256 pin:") }.map {
                String($0.split(separator: " ").last!)
            } ?? ""
        #expect(pin.hasPrefix("sha256//") && pin.count == 52, "pin in: \(r.out)")
    }

    /// The server key's certificate signed by this CA with other dates (faketime) or names.
    func certificate(_ name: String, sans: String, faketime: String? = nil, days: Int = 30) throws -> String {
        let csr = root + "/\(name).csr"
        let ext = root + "/\(name).ext"
        let out = root + "/\(name).pem"
        try "subjectAltName=\(sans)\n".write(toFile: ext, atomically: true, encoding: .utf8)
        try Self.openssl(["req", "-new", "-key", key, "-subj", "/CN=\(name)", "-out", csr])
        try Self.openssl(
            [
                "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", data + "/tls/ca.key", "-set_serial", "7",
                "-days", "\(days)", "-extfile", ext, "-out", out,
            ], faketime: faketime)
        return out
    }

    static func openssl(_ args: [String], faketime: String? = nil) throws {
        let r =
            try faketime.map { try Binaries.run("/usr/bin/faketime", ["-f", $0, "openssl"] + args) }
            ?? Binaries.run("/usr/bin/openssl", args)
        if r.status != 0 { throw CollectorStartError(output: "openssl \(args.first ?? ""): \(r.err)") }
    }

    func addDevice(_ name: String) throws -> String {
        String(
            try Binaries.run("downtime-collector", ["device", "add", name, "--data-dir", data]).out
                .split(separator: "\n").last ?? "")
    }

    func collector(cert: String? = nil) throws -> CollectorProcess {
        try CollectorProcess(dataDir: data, extraArgs: ["--tls-cert", cert ?? self.cert, "--tls-key", key])
    }

    /// curl trusting this CA: status and body.
    func get(_ url: String) throws -> (status: Int, body: String) {
        let r = try Binaries.run("/usr/bin/curl", ["-sS", "--cacert", ca, "-o", "-", "-w", "\n%{http_code}", url])
        let lines = r.out.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    /// The events the device reported (the collector's own flips left out).
    func events(_ c: CollectorProcess, _ device: String) throws -> [Event] {
        let r = try get("\(c.url)/api/v1/devices/\(device)/events?limit=1000")
        guard r.status == 200 else { throw CollectorStartError(output: "events: HTTP \(r.status) \(r.body)") }
        return try WireCoding.decoder().decode(EventList.self, from: Data(r.body.utf8)).events.filter(
            \.kind.isDeviceReported)
    }

    func status(_ c: CollectorProcess, _ device: String) throws -> DeviceStatus? {
        let r = try get("\(c.url)/api/v1/devices/\(device)")
        return r.status == 200 ? try WireCoding.decoder().decode(DeviceView.self, from: Data(r.body.utf8)).status : nil
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}

/// The collector serving HTTPS itself; agents and the shell reporter verify it and never fall back.
@Suite(.serialized) struct TLSEndToEndTests {
    static let script = ShellReporterTests.script

    /// A new boot for the shell reporter: a fresh boot id (lower-case hex, as the kernel's).
    static func boot(_ dir: String) throws {
        try "\(UUID().uuidString.lowercased())\n".write(toFile: "\(dir)/boot_id", atomically: true, encoding: .utf8)
    }

    func shellEnv(_ url: String, token: String, device: String, dir: String, extra: [String: String]) throws -> [String:
        String]
    {
        try Self.boot(dir)
        try "500.42 1.00\n".write(toFile: "\(dir)/uptime", atomically: true, encoding: .utf8)
        return [
            "DOWNTIME_COLLECTOR_URL": url, "DOWNTIME_TOKEN": token, "DOWNTIME_DEVICE": device,
            "DOWNTIME_STATE_DIR": "\(dir)/state-\(device)", "DOWNTIME_INTERVAL": "1",
            "DOWNTIME_BOOT_ID_FILE": "\(dir)/boot_id", "DOWNTIME_UPTIME_FILE": "\(dir)/uptime",
        ].merging(extra) { _, n in n }
    }

    @Test func agentAndShellReporterOverHTTPSWithTheCAFileOrThePinAlone() throws {
        let pki = try TestPKI(tag: "ok")
        defer { pki.remove() }
        #expect(pki.initOutput.contains(pki.ca) && pki.initOutput.contains("--tls-cert \(pki.cert)"))
        let tokens = try ["pi-ca", "pi-pin", "sh-ca", "sh-pin"].map { ($0, try pki.addDevice($0)) }
        let c = try pki.collector()
        #expect(c.scheme == "https")

        // curl sees the chain the collector was given: the server certificate, then the CA.
        let chain = try Binaries.run(
            "/usr/bin/curl",
            [
                "-sS", "--cacert", pki.ca, "-o", "/dev/null", "-w",
                "%{num_certs}\n%{certs}", c.url + "/",
            ])
        #expect(chain.status == 0, "\(chain.err)")
        #expect(chain.out.hasPrefix("2\n") && chain.out.contains("DowntimeMon CA 127.0.0.1"), "\(chain.out)")
        // Plain HTTP on the HTTPS port gets no HTTP answer.
        let plain = try Binaries.run(
            "/usr/bin/curl",
            [
                "-sS", "-o", "/dev/null", "-w", "%{http_code}",
                "http://127.0.0.1:\(c.port)/",
            ])
        #expect(plain.out == "000" && plain.status != 0)

        let sandboxes = try (0..<2).map { _ in try AgentSandbox() }
        defer { for sandbox in sandboxes { sandbox.remove() } }
        for s in sandboxes { _ = try s.boot(uptime: 1000) }
        let agents = [
            try AgentProcess(
                collector: c.url, device: "pi-ca", token: tokens[0].1, sandbox: sandboxes[0],
                extraArgs: ["--ca-file", pki.ca]),
            try AgentProcess(
                collector: c.url, device: "pi-pin", token: tokens[1].1, sandbox: sandboxes[1],
                extraArgs: ["--pin-sha256", pki.pin]),
        ]
        for name in ["pi-ca", "pi-pin"] {
            eventually(15, "\(name) up over HTTPS with an agent_started event") {
                try pki.status(c, name) == .up && pki.events(c, name).contains { $0.kind == .agentStarted }
            }
        }
        for a in agents { #expect(a.stop(SIGTERM) == 0) }
        for a in agents { #expect(!a.output.contains("TLS refused"), "\(a.output)") }

        let dir = pki.root
        for (name, extra) in [("sh-ca", ["DOWNTIME_CA_FILE": pki.ca]), ("sh-pin", ["DOWNTIME_PIN_SHA256": pki.pin])] {
            let token = tokens.first { $0.0 == name }!.1
            let env = try shellEnv(c.url, token: token, device: name, dir: dir, extra: extra)
            let r = try Binaries.run("/bin/dash", [Self.script, "--once"], env: env)
            #expect(r.status == 0 && !r.err.contains("TLS refused"), "\(r.err)")
            #expect(try pki.status(c, name) == .up)
            // A new boot id: the reporter posts an outage event, over HTTPS too.
            try Self.boot(dir)
            #expect(try Binaries.run("/bin/dash", [Self.script, "--once"], env: env).status == 0)
            #expect(try pki.events(c, name).filter { $0.kind == .outage }.count == 1)
            #expect(try FileManager.default.contentsOfDirectory(atPath: "\(dir)/state-\(name)/outbox").isEmpty)
        }
    }

    @Test func eachRefusalIsNamedAndTheEventsMeanwhileAreDeliveredOnce() throws {
        let pki = try TestPKI(tag: "bad")
        defer { pki.remove() }
        let other = try TestPKI(tag: "other") // another CA and another key: the wrong CA, the wrong pin
        defer { other.remove() }
        let token = try pki.addDevice("pi-bad")
        let shToken = try pki.addDevice("sh-bad")
        let expired = try pki.certificate("expired", sans: "IP:127.0.0.1", faketime: "-400d", days: 30)
        let sandbox = try AgentSandbox()
        defer { sandbox.remove() }
        _ = try sandbox.boot(uptime: 1000)

        var c = try pki.collector()
        let localhost = c.url.replacingOccurrences(of: "127.0.0.1", with: "localhost")
        let cases: [(what: String, url: String, args: [String], reason: String)] = [
            ("wrong CA", c.url, ["--ca-file", other.ca], "not signed by a CA this device trusts"),
            ("wrong pin", c.url, ["--pin-sha256", other.pin], "does not match --pin-sha256"),
            ("wrong host", localhost, ["--ca-file", pki.ca], "does not name the host of the collector URL"),
            ("expired", "", ["--ca-file", pki.ca], "has expired"),
        ]
        var runs = 0
        for k in cases {
            var url = k.url
            if k.what == "expired" {
                c.stop()
                c = try pki.collector(cert: expired)
                url = c.url
            }
            let agent = try AgentProcess(
                collector: url, device: "pi-bad", token: token, sandbox: sandbox, extraArgs: k.args)
            runs += 1
            eventually(15, "\(k.what) named in the agent's log") { agent.output.contains(k.reason) }
            Thread.sleep(forTimeInterval: 2.5) // a few more refused beats: still one line
            #expect(agent.stop(SIGTERM) == 0)
            #expect(
                agent.output.components(separatedBy: "TLS refused the collector").count == 2,
                "\(k.what): \(agent.output)")
            #expect(!agent.output.contains("heartbeats accepted"))
        }
        #expect(c.output.contains("expired"), "the collector warns of its expired certificate")
        c.stop()
        c = try pki.collector()
        #expect(try pki.events(c, "pi-bad").isEmpty)

        // The shell reporter: a wrong pin is named, the events wait as files.
        let shEnv = try shellEnv(
            c.url, token: shToken, device: "sh-bad", dir: pki.root,
            extra: ["DOWNTIME_PIN_SHA256": other.pin])
        let refused = try Binaries.run("/bin/dash", [Self.script, "--once"], env: shEnv)
        #expect(refused.err.contains("does not match DOWNTIME_PIN_SHA256"), "\(refused.err)")
        // Rebooted meanwhile: an outage event made while refused, and a second run says nothing new.
        try Self.boot(pki.root)
        let again = try Binaries.run("/bin/dash", [Self.script, "--once"], env: shEnv)
        #expect(!again.err.contains("TLS refused"), "logged once per reason: \(again.err)")
        let waiting = try FileManager.default.contentsOfDirectory(atPath: "\(pki.root)/state-sh-bad/outbox").count
        #expect(waiting >= 1)

        // The right CA (or pin): everything that waited arrives, once.
        var okEnv = shEnv
        okEnv["DOWNTIME_COLLECTOR_URL"] = c.url
        okEnv["DOWNTIME_PIN_SHA256"] = pki.pin
        let fixed = try Binaries.run("/bin/dash", [Self.script, "--once"], env: okEnv)
        #expect(fixed.status == 0 && fixed.err.contains("works again"), "\(fixed.err)")
        #expect(try pki.events(c, "sh-bad").count == waiting)

        let agent = try AgentProcess(
            collector: c.url, device: "pi-bad", token: token, sandbox: sandbox,
            extraArgs: ["--ca-file", pki.ca])
        runs += 1
        eventually(15, "every run's agent_started and shutdown delivered") {
            let events = try pki.events(c, "pi-bad")
            return events.filter { $0.kind == .agentStarted }.count == runs
                && events.filter { $0.kind == .shutdown }.count == runs - 1
        }
        Thread.sleep(forTimeInterval: 2)
        let events = try pki.events(c, "pi-bad")
        #expect(events.filter { $0.kind == .agentStarted }.count == runs)
        #expect(events.filter { $0.kind == .shutdown }.count == runs - 1)
        #expect(Set(events.map(\.id)).count == events.count, "no event twice")
        #expect(try pki.status(c, "pi-bad") == .up)
        #expect(agent.stop(SIGTERM) == 0)
    }

    @Test func aRenewedCertificateIsServedAfterSIGHUPAndOnItsOwnWithoutDroppingBeats() throws {
        let pki = try TestPKI(tag: "renew")
        defer { pki.remove() }
        let token = try pki.addDevice("pi-renew")
        let c = try pki.collector()
        func serial() throws -> String {
            let r = try Binaries.run(
                "/usr/bin/curl",
                [
                    "-sS", "--cacert", pki.ca, "-o", "/dev/null", "-w", "%{certs}",
                    c.url + "/",
                ])
            return r.out.split(separator: "\n").first { $0.hasPrefix("Serial Number:") }.map(String.init) ?? ""
        }
        let sandbox = try AgentSandbox()
        defer { sandbox.remove() }
        _ = try sandbox.boot(uptime: 1000)
        let agent = try AgentProcess(
            collector: c.url, device: "pi-renew", token: token, sandbox: sandbox,
            extraArgs: ["--ca-file", pki.ca])
        eventually(15, "the agent beats over HTTPS") { try pki.status(c, "pi-renew") == .up }
        let first = try serial()
        #expect(!first.isEmpty)

        // Renewed in place (same CA, same key), then SIGHUP: new connections get the new certificate.
        #expect(
            try Binaries.run("downtime-collector", ["tls", "init", "--data-dir", pki.data, "--ip", "127.0.0.1"]).status
                == 0)
        kill(c.process.processIdentifier, SIGHUP)
        eventually(5, "the renewed certificate served after SIGHUP") { try serial() != first }
        let second = try serial()
        #expect(c.output.contains("TLS certificate reloaded (SIGHUP)"), "\(c.output)")

        // Renewed again without a signal: picked up from the files within seconds.
        #expect(
            try Binaries.run("downtime-collector", ["tls", "init", "--data-dir", pki.data, "--ip", "127.0.0.1"]).status
                == 0)
        eventually(10, "the renewed certificate served on its own") {
            try serial() != second && !(try serial()).isEmpty
        }
        Thread.sleep(forTimeInterval: 2)
        #expect(c.process.isRunning)
        #expect(try pki.status(c, "pi-renew") == .up)
        #expect(agent.stop(SIGTERM) == 0)
        // Not one beat failed: the agent never found the collector unreachable.
        #expect(!agent.output.contains("unreachable") && !agent.output.contains("TLS refused"), "\(agent.output)")
    }

    @Test func aBadCertificateOrKeyIsOneLineAndExit2() throws {
        let pki = try TestPKI(tag: "badfiles")
        defer { pki.remove() }
        let other = try TestPKI(tag: "badfiles-other")
        defer { other.remove() }
        let garbage = pki.root + "/garbage.pem"
        try "not a certificate\n".write(toFile: garbage, atomically: true, encoding: .utf8)
        let cases: [([String], String)] = [
            (["--tls-cert", pki.cert, "--tls-key", other.key], "does not belong to the certificate"),
            (["--tls-cert", garbage, "--tls-key", pki.key], "holds no"),
            (["--tls-cert", pki.cert, "--tls-key", garbage], "holds no readable PEM private key"),
            (["--tls-cert", pki.root + "/missing.pem", "--tls-key", pki.key], "cannot read"),
            (["--tls-cert", pki.cert], "a certificate needs its key"),
        ]
        for (args, words) in cases {
            let r = try Binaries.run(
                "downtime-collector",
                [
                    "serve", "--host", "127.0.0.1", "--port", "0",
                    "--data-dir", pki.data,
                ] + args)
            #expect(r.status == 2, "\(args): \(r.err)")
            #expect(r.err.split(separator: "\n").count == 1 && r.err.contains(words), "\(args): \(r.err)")
            #expect(!r.out.contains("listening"))
        }
    }

    @Test func plainHTTPBeyondLoopbackWithASecretIsOneWarningAtStart() throws {
        let pki = try TestPKI(tag: "warn")
        defer { pki.remove() }
        // A database nobody serves: the collector stops (exit 2) after its start checks, before it listens.
        let nowhere = "postgres://u:p@127.0.0.1:\(freeLoopbackPort())/x"
        let env = ["DOWNTIME_ENROLLMENT_KEY": "an-enrolment-key-for-tests"]
        func start(_ args: [String]) throws -> String {
            let r = try Binaries.run(
                "downtime-collector",
                [
                    "serve", "--port", "0", "--data-dir", pki.data,
                    "--database", nowhere,
                ] + args, env: env)
            #expect(r.status == 2, "\(r.out)\(r.err)")
            return r.out + r.err
        }
        let open = try start(["--host", "0.0.0.0"])
        #expect(open.components(separatedBy: "without TLS").count == 2, "\(open)")
        #expect(open.contains("the enrolment key") && open.contains("tls init"))
        #expect(!(try start(["--host", "127.0.0.1"])).contains("without TLS"))
        #expect(
            !(try start(["--host", "0.0.0.0", "--tls-cert", pki.cert, "--tls-key", pki.key])).contains("without TLS"))
    }
}
