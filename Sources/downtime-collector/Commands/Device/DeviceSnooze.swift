import ArgumentParser
import CollectorCore

extension Device {
    struct Snooze: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Snooze a device: no message about it at all for DURATION (30m, 4h, 1d), or --clear it.")
        @Argument var name: String
        @Argument(help: "How long: 30m, 4h, 1d (at most 30d).") var duration: String?
        @Flag(help: "Wake it: its messages go out again.") var clear = false
        @OptionGroup var options: StoreOptions

        func run() async throws {
            // Neither a duration nor --clear (or both) is refused after the name is checked.
            let wanted: String? = clear ? (duration == nil ? nil : "") : duration ?? ""
            let (device, until) = try await cli { try await options.alerts().snooze(device: name, for: wanted) }
            let time = try? options.resolve().localTime
            print(
                until.map { "\(device) is snoozed until \((time ?? .utc).stamp($0))." }
                    ?? "\(device) is no longer snoozed.")
        }
    }
}
