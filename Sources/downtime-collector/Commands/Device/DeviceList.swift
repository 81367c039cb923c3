import ArgumentParser
import DowntimeProtocol

extension Device {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List devices with their recorded status, last beat, site and parent.")
        @OptionGroup var options: StoreOptions

        func run() async throws {
            for device in try await cli({ try await options.admin().devices() }) {
                let seen = device.beat.map { WireTime.format($0.at) } ?? "never"
                let site = device.site.map { "\tsite \($0)" } ?? ""
                let parent = device.dependsOn.map { "\tdepends on \($0)" } ?? ""
                print(
                    "\(device.name)\t\(device.paused ? "paused" : device.status.rawValue)\tlast beat \(seen)"
                        + site + parent)
            }
        }
    }
}
