import ArgumentParser
import CollectorRules

/// `user ...`: the accounts that log in to the collector's pages (admins and viewers).
struct User: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the users who log in to the collector's pages.",
        subcommands: [Add.self, List.self, Password.self, Remove.self])
}

extension Role: ExpressibleByArgument {}
