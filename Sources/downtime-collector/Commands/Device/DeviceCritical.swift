import ArgumentParser
import CollectorCore

extension Device {
    struct Critical: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark a device critical (Pushover sends its down at priority 1), or --clear it.")
        @Argument var name: String
        @Flag(help: "No longer critical.") var clear = false
        @OptionGroup var options: StoreOptions

        func run() async throws {
            let device = try await cli { try await options.alerts().setCritical(!clear, device: name) }
            print(clear ? "\(device) is no longer critical." : "\(device) is critical.")
        }
    }
}
