import ArgumentParser
import CollectorCore
import CollectorRules

/// `log NAME`: a device's log, one line per event.
struct Log: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a device's log, one line per event.")
    @Argument var name: String
    @OptionGroup var options: StoreOptions

    func run() async throws {
        try await cli {
            let device = try DeviceAdmin.deviceName(name)
            guard let log = try await options.logs().log(device: device, limit: Int.max) else {
                throw AdminError.noDevice(device)
            }
            for row in log { print(LogFormat.line(row.event)) }
        }
    }
}
