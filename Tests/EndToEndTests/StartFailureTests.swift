import Foundation
import Testing

/// Every way `serve` and the CLI fail at start is one line on stderr naming the flag, variable or file to change,
/// and exit status 2: never the library's raw error.
@Suite(.serialized) struct StartFailureTests {
    /// Runs the collector and checks it failed as a person can act on.
    func expectOneLine(
        _ args: [String], env: [String: String] = [:], saying needles: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let r = try Binaries.run("downtime-collector", args, env: env)
        // Log lines written before the failure (e.g. the clock not being synchronised) are not the failure.
        let lines = r.err.split(separator: "\n").filter {
            $0.range(
                of: #"^\d{4}-\d\d-\d\dT[0-9:]+[+-]\d{4} (trace|debug|info|notice|warning) "#,
                options: .regularExpression) == nil
        }
        #expect(r.status == 2, "\(args): exit \(r.status): \(r.err)", sourceLocation: sourceLocation)
        #expect(lines.count == 1, "\(args): \(r.err)", sourceLocation: sourceLocation)
        #expect(lines.first?.hasPrefix("downtime-collector: ") == true, "\(r.err)", sourceLocation: sourceLocation)
        for needle in needles {
            #expect(r.err.contains(needle), "\(args): wanted \(needle) in \(r.err)", sourceLocation: sourceLocation)
        }
        for raw in ["NSCocoaErrorDomain", "errno:", "bind(descriptor", "SQLite error", "PSQLError"] {
            #expect(!r.err.contains(raw), "\(args): raw error \(r.err)", sourceLocation: sourceLocation)
        }
    }

    @Test func aTakenPortNamesTheAddressAndWhereThePortWasSet() throws {
        let data = try Binaries.tempDir("port-a")
        let other = try Binaries.tempDir("port-b")
        defer { for d in [data, other] { try? FileManager.default.removeItem(atPath: d) } }
        let first = try CollectorProcess(dataDir: data)
        defer { first.stop() }
        let port = String(first.port)
        try expectOneLine(
            ["serve", "--host", "127.0.0.1", "--port", port, "--data-dir", other],
            saying: ["cannot listen on 127.0.0.1:\(port) (--port)", "another program"])
        try expectOneLine(
            ["serve", "--host", "127.0.0.1", "--data-dir", other], env: ["DOWNTIME_PORT": port],
            saying: ["(DOWNTIME_PORT)", "Address already in use"])
        // The first collector is untouched.
        #expect(first.process.isRunning)
        #expect(try Curl.request("GET", "\(first.url)/healthz").status == 200)
    }

    @Test func anAddressThatIsNotThisMachinesIsSaidSo() throws {
        let data = try Binaries.tempDir("host")
        defer { try? FileManager.default.removeItem(atPath: data) }
        // 192.0.2.1 is TEST-NET-1: never an address of this machine, and nothing is sent to it.
        try expectOneLine(
            ["serve", "--host", "192.0.2.1", "--port", "0", "--data-dir", data],
            saying: ["cannot listen on 192.0.2.1:0 (--host)", "not an address of this machine"])
    }

    @Test func badValuesNameTheFlagTheVariableOrTheFileLine() throws {
        let data = try Binaries.tempDir("values")
        defer { try? FileManager.default.removeItem(atPath: data) }
        try expectOneLine(["serve", "--port", "abc", "--data-dir", data], saying: ["--port: must be a whole number"])
        try expectOneLine(
            ["serve", "--data-dir", data], env: ["DOWNTIME_PORT": "abc"],
            saying: ["DOWNTIME_PORT: must be a whole number"])
        let config = "\(data)/collector.env"
        try "DOWNTIME_PORT=99999\n".write(toFile: config, atomically: true, encoding: .utf8)
        try expectOneLine(
            ["serve", "--config", config, "--data-dir", data],
            saying: ["DOWNTIME_PORT in \(config): must be a whole number from 0 to 65535"])
        try "DOWNTIME_PROT=1\n".write(toFile: config, atomically: true, encoding: .utf8)
        try expectOneLine(
            ["device", "list", "--config", config, "--data-dir", data],
            saying: ["\(config):1: unknown key DOWNTIME_PROT"])
        try expectOneLine(
            ["serve", "--config", "\(data)/missing.env", "--data-dir", data],
            saying: ["--config: cannot read \(data)/missing.env: No such file or directory"])
        try expectOneLine(
            ["device", "list", "--data-dir", data], env: ["DOWNTIME_CONFIG": "\(data)/missing.env"],
            saying: ["DOWNTIME_CONFIG: cannot read"])
        try expectOneLine(["serve", "--database", "mysql://x", "--data-dir", data], saying: ["--database: expected"])
        // The MQTT broker's URL: named, its password never repeated.
        try expectOneLine(
            ["serve", "--data-dir", data], env: ["DOWNTIME_MQTT_URL": "tcp://ha:hunter22@broker:1883"],
            saying: ["DOWNTIME_MQTT_URL: expected mqtt://"])
        let r = try Binaries.run(
            "downtime-collector", ["serve", "--data-dir", data], env: ["DOWNTIME_MQTT_URL": "mqtt://ha:hunter22@:1883"])
        #expect(
            r.status == 2 && r.err.contains("DOWNTIME_MQTT_URL: the URL has no host") && !r.err.contains("hunter22"))
    }

    @Test func aDataFolderThatCannotBeMadeSaysWhichAndWhy() throws {
        try expectOneLine(
            ["serve", "--port", "0", "--data-dir", "/proc/nope"],
            saying: ["--data-dir: cannot create the data folder /proc/nope", "No such file or directory"])
        try expectOneLine(
            ["device", "list"], env: ["DOWNTIME_DATA_DIR": "/proc/nope/deeper"],
            saying: ["DOWNTIME_DATA_DIR: cannot create the data folder /proc/nope/deeper"])
    }

    /// A read-only mount (what an SD card or a NAS share turns into): root writes anywhere else, so the test mounts
    /// one; a normal user gets a folder without write permission instead.
    @Test func aReadOnlyDataFolderSaysWhyAndWhatToDo() throws {
        let dir = try Binaries.tempDir("readonly")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let expected: String
        if geteuid() == 0 {
            let mount = try Binaries.run("/bin/mount", ["-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", dir])
            #expect(mount.status == 0, "mount: \(mount.err)")
            expected = "Read-only file system"
        } else {
            chmod(dir, 0o555)
            expected = "Permission denied"
        }
        defer { if geteuid() == 0 { _ = try? Binaries.run("/bin/umount", [dir]) } else { chmod(dir, 0o755) } }
        try expectOneLine(
            ["serve", "--port", "0", "--data-dir", dir],
            saying: ["--data-dir: cannot write in the data folder \(dir)", expected])
    }

    @Test func aFileThatIsNoDatabaseAndALockedDatabaseAreSaidPlainly() throws {
        let data = try Binaries.tempDir("db")
        defer { try? FileManager.default.removeItem(atPath: data) }
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: "\(data)/downtime.sqlite"))
        try expectOneLine(
            ["serve", "--port", "0", "--data-dir", data],
            saying: ["--data-dir: \(data)/downtime.sqlite is not a DowntimeMon database"])
        try FileManager.default.removeItem(atPath: "\(data)/downtime.sqlite")
        #expect(try Binaries.run("downtime-collector", ["device", "add", "pi", "--data-dir", data]).status == 0)

        // Another process holds the write lock (a copy tool, sqlite3 in a shell): the collector waits, then says so.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        holder.arguments = [
            "-c",
            """
            import sqlite3, sys, time
            db = sqlite3.connect(sys.argv[1], isolation_level=None)
            db.execute("BEGIN EXCLUSIVE")
            print("locked", flush=True)
            time.sleep(40)
            """, "\(data)/downtime.sqlite",
        ]
        let out = Pipe()
        holder.standardOutput = out
        try holder.run()
        // SIGKILL: the test process may block SIGTERM, and its children inherit that mask.
        defer {
            kill(holder.processIdentifier, SIGKILL)
            holder.waitUntilExit()
        }
        let said = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        #expect(said.contains("locked"))
        try expectOneLine(
            ["serve", "--port", "0", "--data-dir", data],
            saying: ["--data-dir:", "is locked by another process"])
    }

    @Test func aPostgreSQLServerThatIsNotThereNamesTheURL() throws {
        let data = try Binaries.tempDir("pg")
        defer { try? FileManager.default.removeItem(atPath: data) }
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        try expectOneLine(
            ["serve", "--port", "0", "--data-dir", data, "--database", "postgres://u:p@127.0.0.1:1/db"],
            saying: ["--database: cannot use postgres://u@127.0.0.1:1/db: Connection refused"])
        try expectOneLine(
            ["device", "list", "--data-dir", data],
            env: ["DOWNTIME_DATABASE": "postgres://u:p@127.0.0.1:1/db"], saying: ["DOWNTIME_DATABASE: cannot use"])
    }
}
