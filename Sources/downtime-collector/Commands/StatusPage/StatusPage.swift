import ArgumentParser

/// `status-page ...`: public pages at `/status/NAME` showing chosen devices under their display names.
struct StatusPage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status-page",
        abstract: "Manage the public status pages (/status/NAME, read without login).",
        subcommands: [Add.self, List.self, Remove.self])
}
