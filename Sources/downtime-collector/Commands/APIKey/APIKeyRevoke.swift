import ArgumentParser

extension APIKey {
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API key: it stops working at once.")
        @Argument var name: String
        @OptionGroup var options: StoreOptions

        func run() async throws {
            let revoked = try await cli { try await options.keys().revoke(name) }
            print("Revoked API key \(revoked).")
        }
    }
}
