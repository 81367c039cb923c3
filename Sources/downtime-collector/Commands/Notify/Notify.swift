import ArgumentParser
import CollectorCore

/// `notify ...`: list, test, digest.
struct Notify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Notification channels (DOWNTIME_NOTIFY).",
        subcommands: [List.self, Test.self, Digest.self])
}

extension Notify {
    /// The configured channel `name`, or the CLI's not-found error naming the channels there are.
    static func channel(_ name: String, in config: CollectorConfig) throws -> NotifierSpec {
        guard let spec = config.notifiers.first(where: { $0.name == name }) else {
            throw CLIError.notFound(
                "no channel named \(name); configured: " + config.notifiers.map(\.name).joined(separator: ", "))
        }
        return spec
    }
}
