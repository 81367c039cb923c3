import ArgumentParser

extension Device {
    struct Depends: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a device depend on another (its router, its switch), or --clear it.",
            discussion: """
                While the parent is down, the device's silence is `unreachable`: no message of its own, not counted \
                as downtime. Unknown devices, a dependency on itself and cycles are refused.
                """)
        @Argument var name: String
        @Option(help: "The device it depends on.") var on: String?
        @Flag(help: "Depend on nothing.") var clear = false
        @OptionGroup var options: StoreOptions

        func run() async throws {
            let parent = on
            let device = try await cli { () async throws -> String in
                guard (parent != nil) != clear else {
                    throw CLIError(message: "give either --on PARENT or --clear", exitCode: 2)
                }
                return try await options.admin().setParent(parent, device: name)
            }
            print(parent.map { "\(device) depends on \($0)." } ?? "\(device) depends on nothing.")
        }
    }
}
