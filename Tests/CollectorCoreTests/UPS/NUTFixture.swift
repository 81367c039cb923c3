import CollectorCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Debian's real NUT server on loopback: upsd and the dummy-ups driver reading a `.dev` file the test
/// rewrites, with their own config and state folders. Fails (never skips) when they cannot start.
final class NUTFixture: @unchecked Sendable {
    struct StartFailure: Error, CustomStringConvertible { var description: String }

    let dir: URL
    let port: Int
    let ups = "myups"
    private var upsd: Process?
    private var driver: Process?

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("nut test \(UUID().uuidString)")
        port = try freeLoopbackPort()
        let conf = dir.appendingPathComponent("conf")
        let state = dir.appendingPathComponent("state")
        for d in [conf, state] {
            try FileManager.default.createDirectory(
                at: d, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        }
        try write("conf/nut.conf", "MODE=standalone\n")
        try write("conf/ups.conf", "[myups]\n  driver = dummy-ups\n  port = \"\(devPath)\"\n  desc = \"test\"\n")
        try write("conf/upsd.conf", "LISTEN 127.0.0.1 \(port)\n")
        try setUsers(["mon": "secret"])
        try setStatus("OL", charge: 100, runtime: 1800)
    }

    var devPath: String { dir.appendingPathComponent("conf/myups.dev").path }

    private func write(_ rel: String, _ text: String) throws {
        let url = dir.appendingPathComponent(rel)
        let tmp = url.appendingPathExtension("tmp")
        try text.write(to: tmp, atomically: false, encoding: .utf8)
        chmod(tmp.path, 0o600)
        // A rename: the driver never reads half a file.
        guard rename(tmp.path, url.path) == 0 else { throw StartFailure(description: "cannot write \(url.path)") }
    }

    /// Users allowed to LOGIN (as upsmon does), by password.
    func setUsers(_ users: [String: String]) throws {
        try write(
            "conf/upsd.users", users.map { "[\($0.key)]\n  password = \($0.value)\n  upsmon secondary\n" }.joined())
    }

    /// What the dummy driver reports next (it rereads the file when it changes, every couple of seconds).
    func setStatus(_ status: String, charge: Int, runtime: Int) throws {
        try write(
            "conf/myups.dev",
            "ups.status: \(status)\nbattery.charge: \(charge)\nbattery.runtime: \(runtime)\n"
                + "input.voltage: \(status.contains("OL") ? 230 : 0)\n")
        // dummy-ups compares whole-second mtimes: two writes within one second would look like one, and the
        // second status would never be read (the test then timed out on a fast machine). Each write a second on.
        let stamp = max(Date(), (lastStatusWrite ?? .distantPast) + 1)
        lastStatusWrite = stamp
        try FileManager.default.setAttributes([.modificationDate: stamp], ofItemAtPath: devPath)
    }

    private var lastStatusWrite: Date?

    private func launch(_ path: String, _ args: [String]) throws -> Process {
        let p = Process()
        // The test process's threads block SIGTERM and SIGHUP, and a spawned child inherits that mask:
        // python3 clears it before it execs the NUT program, so that stop and reload signals reach it.
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments =
            [
                "-c",
                "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, set()); "
                    + "os.execv(sys.argv[1], sys.argv[1:])", path,
            ] + args
        var env = ProcessInfo.processInfo.environment
        env["NUT_CONFPATH"] = dir.appendingPathComponent("conf").path
        env["NUT_STATEPATH"] = dir.appendingPathComponent("state").path
        env["NUT_ALTPIDPATH"] = dir.appendingPathComponent("state").path
        p.environment = env
        let log = FileHandle(forWritingAtPath: "/dev/null")
        p.standardOutput = log
        p.standardError = log
        do { try p.run() } catch {
            throw StartFailure(description: "cannot run \(path): \(error) (is nut-server installed?)")
        }
        return p
    }

    /// Starts the driver and upsd (as root, in the foreground) and waits until upsd answers for the UPS.
    func start() async throws {
        if driver == nil { driver = try launch("/lib/nut/dummy-ups", ["-a", ups, "-u", "root", "-F"]) }
        // /usr/sbin/upsd is a wrapper that obeys /etc/nut/nut.conf; the program itself is in /lib/nut.
        upsd = try launch("/lib/nut/upsd", ["-u", "root", "-F"])
        for _ in 0..<100 {
            if case .success(let o) = await NUTClient(spec: .init(host: "127.0.0.1", port: port, ups: [ups]))
                .pollOffPool(),
                case .reading = o[ups]
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        stop()
        throw StartFailure(description: "upsd on 127.0.0.1:\(port) did not answer for \(ups) within 10 s")
    }

    /// Rereads upsd.users (SIGHUP, as `upsd -c reload` sends).
    func reloadUpsd() { if let upsd { kill(upsd.processIdentifier, SIGHUP) } }

    /// Kills upsd only (a server that dies); the driver stays.
    func killUpsd() async {
        guard let p = upsd else { return }
        upsd = nil
        p.terminate()
        for _ in 0..<100 where p.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        for _ in 0..<100 where p.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
    }

    func stop() {
        for p in [upsd, driver].compactMap({ $0 }) where p.isRunning {
            p.terminate()
            // Bounded, and no waitUntilExit (which runs a run loop) inside an async test.
            for _ in 0..<100 where p.isRunning { usleep(20_000) }
            if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        }
        upsd = nil
        driver = nil
        try? FileManager.default.removeItem(at: dir)
    }
}

/// A port nothing listens on now (the kernel's pick).
func freeLoopbackPort() throws -> Int {
    let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(s) }
    var a = sockaddr_in()
    a.sin_family = sa_family_t(AF_INET)
    a.sin_addr.s_addr = inet_addr("127.0.0.1")
    a.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &a) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, len) == 0 && getsockname(s, $0, &len) == 0 }
    }
    guard ok else { throw NUTFixture.StartFailure(description: "no free port") }
    return Int(UInt16(bigEndian: a.sin_port))
}
