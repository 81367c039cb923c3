import Foundation
import Testing

@testable import AgentCore

/// `systemd` checks: the rules on states, `systemctl show`'s output as a real systemd 252 printed it (recorded,
/// see Tests/fixtures/systemd/README.md), the real systemctl of this machine (whose PID 1 is not systemd), and
/// a real systemd user manager started by the test.
@Suite struct SystemdCheckTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/systemd").path

    func recorded(_ name: String) throws -> String {
        try String(contentsOfFile: Self.fixtures + "/" + name, encoding: .utf8)
    }

    @Test func rulesOnEachState() {
        func unit(_ active: SystemdUnit.Active, _ sub: String, _ result: String = "success", load: String = "loaded")
            -> SystemdUnit
        { SystemdUnit(load: load, active: active, sub: sub, result: result, changedAt: 100) }
        let table: [(SystemdUnit, Double, CheckRun)] = [
            (unit(.active, "running"), 200, .ok("active (running)")),
            (unit(.active, "exited"), 200, .ok("active (exited)")),
            (unit(.reloading, "reload"), 200, .ok("reloading (reload)")),
            (unit(.failed, "failed", "core-dump"), 200, .failing("failed (core-dump)")),
            (unit(.inactive, "dead"), 200, .failing("inactive (dead)")),
            (unit(.inactive, "dead", "signal"), 200, .failing("inactive (dead), result signal")),
            (unit(.inactive, "dead", load: "not-found"), 200, .failing("unit not found")),
            (unit(.inactive, "dead", load: "masked"), 200, .failing("unit masked, inactive (dead)")),
            (unit(.active, "running", load: "masked"), 200, .ok("active (running)")),
            (unit(.inactive, "dead", load: "bad-setting"), 200, .failing("unit bad-setting, inactive (dead)")),
            (unit(.activating, "start-pre"), 130, .ok("activating (start-pre) for 30 s")),
            (unit(.activating, "start"), 190, .ok("activating (start) for 90 s")),
            (unit(.activating, "start"), 190.5, .failing("activating (start) for 90 s (limit 90 s)")),
            (unit(.deactivating, "stop-sigterm"), 300, .failing("deactivating (stop-sigterm) for 200 s (limit 90 s)")),
            (unit(.activating, "auto-restart", "exit-code"), 101, .failing("restarting after a failure (exit-code)")),
            (unit(.maintenance, "cleaning"), 101, .failing("maintenance (cleaning)")),
            // A clock behind the change (never on one machine): no negative time.
            (unit(.activating, "start"), 50, .ok("activating (start) for 0 s")),
        ]
        for (state, now, expected) in table {
            #expect(SystemdRules.verdict(state, now: now, activatingLimit: 90) == expected, "\(state) at \(now)")
        }
        let undated = SystemdUnit(load: "loaded", active: .activating, sub: "start")
        #expect(SystemdRules.verdict(undated, now: 1e6, activatingLimit: 90) == .ok("activating (start)"))
    }

    @Test func parsesKeyValueLinesInAnyOrderAndRefusesWhatIsNotAUnitState() {
        let text =
            "SubState=running\nResult=success\nActiveState=active\nLoadState=loaded\n"
            + "StateChangeTimestampMonotonic=2500000\nOther=x=y\n"
        #expect(
            SystemdUnit.parse(text)
                == SystemdUnit(load: "loaded", active: .active, sub: "running", result: "success", changedAt: 2.5))
        #expect(SystemdUnit.parse("") == nil)
        #expect(SystemdUnit.parse("LoadState=loaded\nActiveState=sleepy\nSubState=x\n") == nil)
        #expect(SystemdUnit.parse("LoadState=loaded\nSubState=running\n") == nil)
        #expect(SystemdUnit.parse("LoadState=loaded\nActiveState=active\nSubState=running\n")?.changedAt == nil)
    }

    /// Each recorded answer of systemd 252, judged as the agent would at the time given after its state change.
    @Test func recordedSystemctlOutputOfSystemd252() throws {
        let table: [(String, Double, CheckRun)] = [
            ("dt-running.txt", 5, .ok("active (running)")),
            ("dt-oneshot.txt", 5, .ok("active (exited)")),
            ("dt-fails.txt", 5, .failing("failed (exit-code)")),
            ("dt-stopped.txt", 5, .failing("inactive (dead)")),
            ("no-such-unit.txt", 5, .failing("unit not found")),
            ("dt-crashloop.txt", 5, .failing("restarting after a failure (exit-code)")),
            ("dt-slowstart.txt", 5, .ok("activating (start-pre) for 5 s")),
            ("dt-slowstart.txt", 100, .failing("activating (start-pre) for 100 s (limit 90 s)")),
            ("dt-running.all-properties.txt", 5, .ok("active (running)")),
        ]
        for (file, after, expected) in table {
            let unit = try #require(SystemdUnit.parse(try recorded(file)), "\(file)")
            let since = unit.changedAt ?? 0
            #expect(unit.changedAt != nil || file.contains("stopped") || file.contains("no-such"), "\(file)")
            #expect(SystemdRules.verdict(unit, now: since + after, activatingLimit: 90) == expected, "\(file)")
        }
        // What systemctl says where PID 1 is not systemd: no unit state in it.
        #expect(SystemdUnit.parse(try recorded("not-booted.txt")) == nil)
    }

    static let systemdIsPID1 =
        (try? String(contentsOfFile: "/proc/1/comm", encoding: .utf8))?.hasPrefix("systemd")
        ?? false
    static let hasSystemctl = FileManager.default.isExecutableFile(atPath: "/usr/bin/systemctl")

    /// This machine's own systemctl, whose PID 1 is not systemd: unknown with systemctl's reason, never failing.
    @Test(.enabled(if: hasSystemctl && !systemdIsPID1)) func realSystemctlWithoutSystemdAsPID1IsUnknown() throws {
        let run = try SystemProbe().run(CheckSpec.parse("pihole=systemd:pihole-FTL timeout=5s", interval: 10))
        #expect(run == .unknown("System has not been booted with systemd as init system (PID 1). Can't operate."))
    }

    @Test func noSystemctlIsUnknown() {
        let probe = SystemdProbe(systemctl: ["/no/such/systemctl"])
        #expect(
            probe.run(unit: "cron.service", timeout: 2, activatingLimit: 90)
                == .unknown("cannot run /no/such/systemctl: No such file or directory"))
        // A systemctl that hangs: no answer is not a failed unit.
        let hang = SystemdProbe(systemctl: ["/bin/sh", "-c", "sleep 30", "sh"])
        #expect(
            hang.run(unit: "x", timeout: 0.3, activatingLimit: 90) == .unknown("systemctl gave no answer within 0.3 s"))
    }
}
