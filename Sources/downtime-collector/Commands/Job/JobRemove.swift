import ArgumentParser

extension Job {
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a job: its key stops working; its runs stay in its device's log.")
        @Argument var name: String
        @OptionGroup var options: StoreOptions

        func run() async throws {
            let removed = try await cli { try await options.jobs().remove(name) }
            print("Removed job \(removed).")
        }
    }
}
