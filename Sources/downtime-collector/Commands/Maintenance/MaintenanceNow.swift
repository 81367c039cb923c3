import ArgumentParser

extension Maintenance {
    struct Now: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a window now for a while: TARGET DURATION (e.g. device:pi 2h).")
        @Argument var target: String
        @Argument(help: "Like 90s, 30m, 2h or 1d.") var duration: String
        @OptionGroup var options: StoreOptions

        func run() async throws {
            let added = try await cli { try await options.admin().startMaintenance(target, for: duration) }
            print("Added window \(added.id): \(added.window.spec)")
        }
    }
}
