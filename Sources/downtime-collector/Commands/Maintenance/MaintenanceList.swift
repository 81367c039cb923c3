import ArgumentParser

extension Maintenance {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the windows added with the CLI.")
        @OptionGroup var options: StoreOptions

        func run() async throws {
            for window in try await cli({ try await options.admin().maintenanceWindows() }) {
                print("\(window.id ?? 0)\t\(window.spec)")
            }
        }
    }
}
