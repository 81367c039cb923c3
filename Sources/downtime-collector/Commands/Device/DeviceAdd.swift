import ArgumentParser

extension Device {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a device; prints its token (shown once) on the last line.")
        @Argument var name: String
        @OptionGroup var options: StoreOptions

        func run() async throws {
            let added = try await cli { try await options.admin().add(name) }
            let device = added.record.name
            print("Added device \(device). Its token, shown only now (set it as DOWNTIME_TOKEN on the device):")
            print(added.token)
        }
    }
}
