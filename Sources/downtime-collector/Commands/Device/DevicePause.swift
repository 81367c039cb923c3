import ArgumentParser

extension Device {
    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pause a device: no down status while paused.")
        @Argument var name: String
        @OptionGroup var options: StoreOptions

        func run() async throws {
            let paused = try await cli { try await options.admin().setPaused(true, device: name) }
            print("Paused \(paused).")
        }
    }
}
