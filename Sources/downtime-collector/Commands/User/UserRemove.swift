import ArgumentParser

extension User {
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a user; the user's sessions end.")
        @Argument var name: String
        @OptionGroup var options: StoreOptions

        func run() async throws {
            let removed = try await cli { try await options.users().remove(name) }
            print("Removed user \(removed).")
        }
    }
}
