import ArgumentParser

extension Device {
    struct Tag: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace a device's tags (none to clear them).")
        @Argument var name: String
        @Argument(help: "Tags: same characters as device names.") var tags: [String] = []
        @OptionGroup var options: StoreOptions

        func run() async throws {
            let tagged = try await cli { try await options.admin().setTags(tags, device: name) }
            let list = tagged.tags.joined(separator: ", ")
            print(tagged.tags.isEmpty ? "\(tagged.name) has no tags." : "\(tagged.name): \(list)")
        }
    }
}
