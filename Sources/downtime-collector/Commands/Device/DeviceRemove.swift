import ArgumentParser

extension Device {
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a device, its token and its log.")
        @Argument var name: String
        @OptionGroup var options: StoreOptions

        func run() async throws {
            let removed = try await cli { try await options.admin().remove(name) }
            print("Removed \(removed).")
        }
    }
}
