import DowntimeProtocol
import Foundation
import Testing

@testable import AgentCore

/// Each kind against the real thing on this machine: loopback sockets, a real HTTP server, real programs,
/// real file systems; the temperature from a fake sysfs file (the one fake the house allows there).
@Suite struct CheckProbeTests {
    func check(_ text: String, root: String = "/") throws -> CheckRun {
        try SystemProbe(sysfsRoot: root).run(CheckSpec.parse(text, interval: 10))
    }

    @Test func tcpConnectsToAListenerAndIsRefusedWithoutOne() throws {
        let listener = try LoopbackListener()
        let open = try check("s=tcp:127.0.0.1:\(listener.port) timeout=2s")
        #expect(open == .ok("connected to 127.0.0.1:\(listener.port)"))
        listener.close()
        let closed = try check("s=tcp:127.0.0.1:\(listener.port) timeout=2s")
        #expect(closed.state == .failing && closed.detail.contains("Connection refused"), "\(closed)")
        let unresolved = try check("s=tcp:no-such-host.invalid:80 timeout=2s")
        #expect(unresolved.state == .failing && unresolved.detail.hasPrefix("cannot resolve"))
    }

    @Test func httpStatusAndBody() throws {
        let server = try TestHTTPServer()
        defer { server.stop() }
        try server.answer("/up", status: 200, body: "<title>Home Assistant</title>")
        try server.answer("/moved", status: 302, body: "")
        try server.answer("/broken", status: 500, body: "oops")
        let base = server.url
        #expect(try check("w=http:\(base)/up") == .ok("HTTP 200"))
        #expect(try check("w=http:\(base)/moved") == .ok("HTTP 302"))
        #expect(try check(#"w=http:\#(base)/up contains="Home Assistant""#) == .ok("HTTP 200"))
        #expect(try check("w=http:\(base)/up contains=Pi-hole") == .failing("HTTP 200, body lacks \"Pi-hole\""))
        #expect(try check("w=http:\(base)/broken") == .failing("HTTP 500"))
        #expect(try check("w=http:\(base)/moved status=200") == .failing("HTTP 302, expected 200"))
        #expect(server.requests.allSatisfy { $0.auth == nil })
        server.stop()
        let gone = try check("w=http:\(base)/up timeout=2s")
        #expect(gone.state == .failing && gone.detail.hasPrefix("GET \(base)/up:"), "\(gone)")
    }

    @Test func httpTimeoutIsAFailure() throws {
        let server = try TestHTTPServer()
        defer { server.stop() }
        try server.answer("/slow", status: 200, delay: 5)
        let started = Date()
        let slow = try check("w=http:\(server.url)/slow timeout=500ms")
        #expect(slow.state == .failing && Date().timeIntervalSince(started) < 3, "\(slow)")
    }

    @Test func commandPassesFailsAndIsKilledAtItsTimeout() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let pass = try script(dir, "pass", "echo 'backup fresh (2 h)'\nexit 0")
        let fail = try script(dir, "fail", "echo 'backup is 3 days old' >&2\nexit 3")
        let hang = try script(dir, "hang", "sleep 30 &\necho $! > \(dir.file("child"))\necho started\nwait")
        #expect(try check("b=command:\(pass)") == .ok("backup fresh (2 h)"))
        #expect(try check("b=command:\(fail)") == .failing("exit 3: backup is 3 days old"))
        let started = Date()
        let hung = try check("b=command:\(hang) timeout=700ms")
        #expect(hung == .failing("timed out after 0.7 s: started"), "\(hung)")
        #expect(Date().timeIntervalSince(started) < 3)
        // The script's own child went with it (its process group was killed).
        let child = try String(contentsOfFile: dir.file("child"), encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        var gone = false
        for _ in 0..<100 where !gone {
            let stat = (try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8)) ?? ""
            gone = stat.isEmpty || stat.contains(") Z ")
            if !gone { usleep(20_000) }
        }
        #expect(gone)
    }

    @Test func aCommandThatCannotRunIsUnknown() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let missing = try check("x=command:\(dir.file("nothing"))")
        #expect(missing == .unknown("cannot run \(dir.file("nothing")): No such file or directory"))
        try "#!/bin/sh\nexit 0\n".write(toFile: dir.file("plain"), atomically: true, encoding: .utf8)
        let notExecutable = try check("x=command:\(dir.file("plain"))")
        #expect(notExecutable.state == .unknown && notExecutable.detail.hasSuffix("Permission denied"))
    }

    @Test func diskAgainstItsLimit() throws {
        let roomy = try check("d=disk:/:100%")
        #expect(roomy.state == .ok && roomy.detail.contains("% used, "), "\(roomy)")
        let tight = try check("d=disk:/:1%")
        #expect(tight.state == .failing && tight.detail.hasSuffix("(limit 1%)"), "\(tight)")
        let missing = try check("d=disk:/no/such/folder:90%")
        #expect(missing == .unknown("cannot read /no/such/folder: No such file or directory"))
    }

    @Test func temperatureFromTheThermalZone() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        #expect(try check("t=temp:70", root: dir.path).state == .unknown)
        let zone = dir.path + "/sys/class/thermal/thermal_zone0"
        try FileManager.default.createDirectory(atPath: zone, withIntermediateDirectories: true)
        try "48312\n".write(toFile: zone + "/temp", atomically: true, encoding: .utf8)
        #expect(try check("t=temp:70", root: dir.path) == .ok("48.3 °C"))
        #expect(try check("t=temp:45", root: dir.path) == .failing("48.3 °C (limit 45 °C)"))
    }

    func script(_ dir: TempDir, _ name: String, _ body: String) throws -> String {
        let path = dir.file(name)
        try ("#!/bin/sh\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }
}

/// A listening TCP socket on 127.0.0.1 (an ephemeral port) that never accepts: the kernel completes the
/// handshake from its backlog, which is what a connect check sees.
final class LoopbackListener {
    private var fd: Int32
    let port: Int

    init() throws {
        let sock = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p in
                bind(sock, p, length) == 0 && listen(sock, 16) == 0 && getsockname(sock, p, &length) == 0
            }
        }
        fd = sock
        port = Int(UInt16(bigEndian: addr.sin_port))
        guard sock >= 0, bound else { throw ConfigError("no loopback listener") }
    }

    func close() {
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
    }

    deinit { close() }
}
