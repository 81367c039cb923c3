import ArgumentParser

/// `notify ...`: list, test, digest.
struct Notify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Notification channels (DOWNTIME_NOTIFY).",
        subcommands: [List.self, Test.self, Digest.self])
}
