import ArgumentParser
import CollectorRules

extension APIKey {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an API key; prints the key (shown once) on the last line.")
        @Argument var name: String
        @Option(help: "read (the read API and metrics) or admin.") var scope: APIKeyScope
        @OptionGroup var options: StoreOptions

        func run() async throws {
            let added = try await cli { try await options.keys().add(name, scope: scope) }
            print(
                "Added API key \(added.record.name) (\(scope.rawValue)). The key, shown only now "
                    + "(send it as Authorization: Bearer KEY):")
            print(added.key)
        }
    }
}
