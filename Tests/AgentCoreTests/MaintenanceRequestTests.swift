import DowntimeProtocol
import Foundation
import Testing

@testable import AgentCore

/// `downtime-agent maintenance`'s words, against a frozen clock in a fixed zone.
@Suite struct MaintenanceRequestTests {
    /// 2026-12-07 21:00 UTC, 22:00 in Berlin (UTC+1).
    static let now = Date(timeIntervalSince1970: 1_796_677_200)
    static let berlin = TimeZone(identifier: "Europe/Berlin")!

    func parse(_ args: [String]) throws(ConfigError) -> (MaintenanceRequest, [String]) {
        try MaintenanceRequest.parse(args, now: Self.now, timeZone: Self.berlin)
    }

    func window(_ args: [String]) throws -> MaintenanceAnnouncement {
        guard case .start(let a) = try parse(args).0 else { throw ConfigError("not a start") }
        return a
    }

    @Test(arguments: [
        ("30m", 1_800.0), ("2h", 7_200), ("1h30m", 5_400), ("1d", 86_400), ("45s", 45), ("7d", 604_800),
    ])
    func durations(_ text: String, _ seconds: Double) throws {
        let a = try window([text, "--reason", "kernel upgrade"])
        #expect(a.start == Self.now && a.end == Self.now + seconds && !a.untilBack && a.reason == "kernel upgrade")
    }

    @Test func untilIsTheDevicesLocalTime() throws {
        // 23:30 in Berlin is 22:30 UTC: 1.5 h after 21:00 UTC.
        #expect(try window(["--until", "23:30"]).end == Self.now + 5_400)
        #expect(try window(["--until=2026-12-08T01:00"]).end == Self.now + 3 * 3_600)
        #expect(try window(["--until", "2026-12-08 01:00"]).end == Self.now + 3 * 3_600)
    }

    @Test func untilBackHasALatestEnd() throws {
        let plain = try window(["--until-back"])
        #expect(plain.untilBack && plain.end == Self.now + MaintenanceRequest.defaultUntilBack)
        let capped = try window(["--until-back", "20m", "--reason", "reboot"])
        #expect(capped.untilBack && capped.end == Self.now + 1_200 && capped.reason == "reboot")
    }

    @Test func endAndTheAgentsOptionsPassThrough() throws {
        let (request, rest) = try parse(["--end", "--state-dir", "/tmp/s", "--verbose", "--collector=http://x:1"])
        #expect(request == .end)
        #expect(rest == ["--state-dir", "/tmp/s", "--verbose", "--collector=http://x:1"])
        let (_, more) = try parse(["--device", "nas", "30m"])
        #expect(more == ["--device", "nas"])
    }

    @Test(arguments: [
        (["30"], "must look like 30m"),
        (["30x"], "must look like 30m"),
        (["0m"], "must look like 30m"),
        (["m"], "must look like 30m"),
        (["8d"], "at most 7 days"),
        ([], "give a duration"),
        (["--reason", "x"], "give a duration"),
        (["--until", "20:00"], "is in the past"),
        (["--until", "25:00"], "must be HH:MM"),
        (["--until", "2026-02-30T10:00"], "must be HH:MM"),
        (["--until", "23:30", "30m"], "not both"),
        (["30m", "2h"], "unexpected argument"),
        (["--end", "30m"], "--end takes no"),
        (["--end", "--reason", "x"], "--end takes no"),
        (["30m", "--reason", ""], "--reason must be"),
        (["30m", "--reason"], "needs a value"),
    ])
    func badInputIsOneClearLine(_ args: [String], _ words: String) {
        #expect {
            try parse(args)
        } throws: { error in
            let message = (error as? ConfigError)?.message ?? ""
            return message.contains(words) && !message.contains("\n")
        }
    }

    @Test func theCommandLineMakesAMaintenanceCommand() throws {
        let command = try AgentConfig.parse(
            arguments: ["maintenance", "30m", "--reason", "kernel upgrade", "--state-dir", "/tmp/s"],
            environment: ["DOWNTIME_COLLECTOR_URL": "http://nas:8899", "DOWNTIME_TOKEN": "t"], hostName: "pi",
            now: Self.now, timeZone: Self.berlin)
        guard case .maintenance(let config, .start(let a)) = command else {
            Issue.record("\(command)")
            return
        }
        #expect(config.stateDir == "/tmp/s" && config.device == "pi" && config.token == "t")
        #expect(a.end == Self.now + 1_800 && a.reason == "kernel upgrade")
        #expect(
            try AgentConfig.parse(arguments: ["maintenance", "--help"], environment: [:], hostName: "pi")
                == .maintenanceHelp)
    }

    @Test func envFileLinesAsSystemdReadsThem() {
        let env = EnvFile.parse("# comment\nDOWNTIME_TOKEN=abc\n\n DOWNTIME_DEVICE = \"nas\" \nBAD LINE\n")
        #expect(env == ["DOWNTIME_TOKEN": "abc", "DOWNTIME_DEVICE": "nas"])
    }
}
