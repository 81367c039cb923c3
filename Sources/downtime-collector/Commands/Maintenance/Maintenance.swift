import ArgumentParser

/// `maintenance ...`: add, now, list, remove.
struct Maintenance: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Maintenance windows: no alarms, and the time is not counted as downtime.",
        subcommands: [Add.self, Now.self, List.self, Remove.self])
}
