import ArgumentParser

extension Device {
    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a paused device (it gets a fresh window).")
        @Argument var name: String
        @OptionGroup var options: StoreOptions

        func run() async throws {
            let resumed = try await cli { try await options.admin().setPaused(false, device: name) }
            print("Resumed \(resumed).")
        }
    }
}
