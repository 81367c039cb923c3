import ArgumentParser

extension Device {
    struct Interval: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the heartbeat interval the collector expects (for /ping devices), or --clear it.")
        @Argument var name: String
        @Argument(help: "Seconds (1 to 86400).") var seconds: Int?
        @Flag(help: "Go back to the interval the agent reports.") var clear = false
        @OptionGroup var options: StoreOptions

        func run() async throws {
            // No seconds and no --clear is refused like 0 s, after the name is checked.
            let interval = clear ? nil : seconds ?? 0
            let device = try await cli { try await options.admin().setInterval(interval, device: name) }
            print(
                interval.map { "\(device) is expected every \($0) s." }
                    ?? "\(device) uses its agent's interval again.")
        }
    }
}
