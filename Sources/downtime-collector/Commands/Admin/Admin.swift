import ArgumentParser

/// `admin ...`: the browser admin's password.
struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The admin login of the collector's pages.", subcommands: [SetPassword.self])
}
