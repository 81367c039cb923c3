import ArgumentParser

/// `job ...`: scheduled jobs (backups, renewals) whose runs a device reports; late, failed, too long or cut runs
/// are flips and messages.
struct Job: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "job",
        abstract: "Manage the scheduled jobs the collector expects runs of.",
        subcommands: [Add.self, List.self, Remove.self])
}
