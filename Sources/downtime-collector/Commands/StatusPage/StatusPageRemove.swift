import ArgumentParser

extension StatusPage {
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a status page: it answers 404 at once.")
        @Argument var name: String
        @OptionGroup var options: StoreOptions

        func run() async throws {
            let removed = try await cli { try await options.statusPages().remove(name) }
            print("Removed status page \(removed).")
        }
    }
}
