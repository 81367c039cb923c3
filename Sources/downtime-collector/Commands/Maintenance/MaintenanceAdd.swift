import ArgumentParser

extension Maintenance {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Add a window: TARGET once START END, or TARGET weekly DAYS HH:MM-HH:MM (collector's local time).",
            discussion: "TARGET is all, device:NAME or tag:TAG. Examples: 'all weekly sun 02:00-04:00', "
                + "'tag:office once 2026-12-24T00:00:00Z 2026-12-27T00:00:00Z'.")
        @Argument(help: "The window, as words.") var spec: [String] = []
        @OptionGroup var options: StoreOptions

        func run() async throws {
            let added = try await cli { try await options.admin().addMaintenance(spec.joined(separator: " ")) }
            print("Added window \(added.id): \(added.window.spec)")
        }
    }
}
