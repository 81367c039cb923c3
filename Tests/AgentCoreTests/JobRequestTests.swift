import Testing

@testable import AgentCore

/// `downtime-agent job`'s words (pure).
@Suite struct JobRequestTests {
    @Test func theNameTheCommandAndTheAgentsOptions() throws {
        let (request, rest) = try JobRequest.parse(
            ["--state-dir", "/tmp/s", "backup", "--verbose", "--", "restic", "backup", "--", "-x"])
        #expect(request == JobRequest(name: "backup", command: ["restic", "backup", "--", "-x"]))
        #expect(rest == ["--state-dir", "/tmp/s", "--verbose"])
        // The command's own words are its own, flags and all.
        let (plain, none) = try JobRequest.parse(["cert-renew", "--", "/usr/bin/certbot", "--help"])
        #expect(plain.command == ["/usr/bin/certbot", "--help"] && none.isEmpty)
    }

    @Test(arguments: [
        (["backup", "restic", "backup"], "put -- before the command"),
        (["backup"], "put -- before the command"),
        ([], "put -- before the command"),
        (["backup", "--"], "no command after --"),
        (["backup", "--", ""], "no command after --"),
        (["--", "restic"], "give the job's name"),
        (["Backup!", "--", "restic"], "name 'Backup!' must match"),
        (["-backup", "--", "restic"], "name '-backup' must match"),
        (["backup", "extra", "--", "restic"], "unexpected argument 'extra'"),
    ])
    func badWordsAreOneLineNamingWhatIsWrong(_ args: [String], _ says: String) {
        #expect {
            try JobRequest.parse(args)
        } throws: { error in
            let message = (error as? ConfigError)?.message ?? ""
            return message.contains(says) && !message.contains("\n")
        }
    }

    @Test func aConfigurationThatCannotReportStillRunsTheJob() throws {
        // No collector: the job is asked for, its configuration kept with the error.
        let command = try AgentConfig.parse(
            arguments: ["job", "backup", "--", "true"], environment: [:], hostName: "pi-1")
        guard case .job(let request, .failure(let error)) = command else {
            Issue.record("\(command)")
            return
        }
        #expect(request.name == "backup" && error.message.contains("no collector"))
        // A flag typed wrong is the user's error: nothing runs.
        #expect(throws: ConfigError.self) {
            try AgentConfig.parse(arguments: ["job", "--bogus", "x", "--", "true"], environment: [:], hostName: "h")
        }
        #expect(
            try AgentConfig.parse(arguments: ["job", "--help"], environment: [:], hostName: "h") == .jobHelp)
        let ok = try AgentConfig.parse(
            arguments: ["job", "backup", "--collector", "http://nas:8899", "--", "ls", "--help"], environment: [:],
            hostName: "pi-1")
        guard case .job(_, .success(let config)) = ok else {
            Issue.record("\(ok)")
            return
        }
        #expect(config.collectorURL == "http://nas:8899" && config.device == "pi-1")
    }
}
