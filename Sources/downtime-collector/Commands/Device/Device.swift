import ArgumentParser

/// `device ...`: add, list, remove, pause, resume, interval, tag, site, token, depends, display, ack, snooze,
/// critical.
struct Device: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage devices.",
        subcommands: [
            Add.self, List.self, Remove.self, Pause.self, Resume.self, Interval.self, Tag.self, SiteCommand.self,
            Token.self, Depends.self, Display.self, Ack.self, Snooze.self, Critical.self,
        ])
}
