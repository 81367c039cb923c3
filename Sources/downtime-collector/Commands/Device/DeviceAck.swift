import ArgumentParser
import CollectorCore
import Foundation

extension Device {
    struct Ack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Acknowledge a device's current outage: no more reminders for it.")
        @Argument var name: String
        @OptionGroup var options: StoreOptions

        func run() async throws {
            // Who, as the pages show it: the account that ran the command.
            let user = ProcessInfo.processInfo.environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "admin"
            let device = try await cli { try await options.alerts().acknowledge(device: name, by: "\(user) (CLI)") }
            print("Acknowledged \(device)'s outage: no more reminders for it.")
        }
    }
}
