import ArgumentParser

extension Device {
    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a device a new token (the old one stops working); prints it (shown once) on the last line.")
        @Argument var name: String
        @OptionGroup var options: StoreOptions

        func run() async throws {
            let new = try await cli { try await options.admin().regenerateToken(device: name) }
            print(
                "New token of \(new.name); the old one no longer works. Shown only now "
                    + "(set it as DOWNTIME_TOKEN on the device):")
            print(new.token)
        }
    }
}
