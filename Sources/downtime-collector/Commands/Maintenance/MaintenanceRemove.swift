import ArgumentParser

extension Maintenance {
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a window by its id.")
        @Argument var id: Int64
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await cli { try await options.admin().removeMaintenance(id: id) }
            print("Removed window \(id).")
        }
    }
}
