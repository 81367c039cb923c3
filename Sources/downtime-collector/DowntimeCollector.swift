import ArgumentParser
import CollectorCore

/// The `downtime-collector` command: the server (`serve`, the default) and the admin commands, one per file
/// under Commands/.
@main
struct DowntimeCollector: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "downtime-collector",
        abstract: "DowntimeMon collector: stores device heartbeats and outages, serves the overview on :8899.",
        version: CollectorVersion.version,
        subcommands: [
            Serve.self, Device.self, Maintenance.self, Notify.self, Log.self, Export.self, MigrateStore.self,
            TLS.self, Admin.self, User.self, APIKey.self, StatusPage.self, Job.self,
        ],
        defaultSubcommand: Serve.self)
}
