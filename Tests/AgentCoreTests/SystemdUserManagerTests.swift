import Foundation
import TestSupport
import Testing

@testable import AgentCore

/// `systemd` checks against a real systemd (this machine's 252) running as a user manager, asked through the
/// real `systemctl --user`: the same probe and rules as a device's system units. Needs root (the manager runs
/// in a mount namespace of its own, see Tests/fixtures/systemd/user-manager.sh).
@Suite struct SystemdUserManagerTests {
    static let usable =
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/lib/systemd/systemd")
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare")

    @Test(.enabled(if: usable)) func realSystemdUserManagerUnits() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let script = SystemdCheckTests.fixtures + "/user-manager.sh"
        let started = FixtureScript.run(script, ["start", dir.path])
        let pid = try #require(
            pid_t(started.output.trimmingCharacters(in: .whitespacesAndNewlines)), "\(started)")
        defer { kill(pid, SIGTERM) }
        var probe = SystemProbe()
        probe.systemd = SystemdProbe(
            systemctl: ["/usr/bin/systemctl", "--user"], environment: ["XDG_RUNTIME_DIR=\(dir.path)/xdg", "LANG=C"])
        func check(_ unit: String, _ options: String = "") throws -> CheckRun {
            try probe.run(CheckSpec.parse("u=systemd:\(unit) timeout=5s \(options)", interval: 10))
        }
        #expect(try check("dt-running") == .ok("active (running)"))
        #expect(try check("dt-running.service") == .ok("active (running)"))
        #expect(try check("dt-oneshot") == .ok("active (exited)"))
        #expect(try check("dt-fails") == .failing("failed (exit-code)"))
        #expect(try check("dt-stopped") == .failing("inactive (dead)"))
        #expect(try check("dt-crashloop") == .failing("restarting after a failure (exit-code)"))
        #expect(try check("no-such-unit") == .failing("unit not found"))
        let starting = try check("dt-slowstart", "activating=1h")
        #expect(starting.state == .ok && starting.detail.hasPrefix("activating (start-pre) for "), "\(starting)")
    }
}
