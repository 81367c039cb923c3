import ArgumentParser
import CollectorRules

/// `apikey ...`: keys for scripts and dashboards on the read API and `/metrics`.
struct APIKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apikey", abstract: "Manage API keys (Authorization: Bearer KEY on /api/v1 and /metrics).",
        subcommands: [Add.self, List.self, Revoke.self])
}

extension APIKeyScope: ExpressibleByArgument {}
