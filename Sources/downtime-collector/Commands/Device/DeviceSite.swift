import ArgumentParser
import DowntimeProtocol

extension Device {
    struct SiteCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "site",
            abstract: "Put a device in a site (incidents are found per site), or --clear it (the default site).")
        @Argument var name: String
        @Argument(help: "The site: same characters as device names; `default` is the default site.") var site: String?
        @Flag(help: "Back to the default site.") var clear = false
        @OptionGroup var options: StoreOptions

        func run() async throws {
            // Neither a site nor --clear (or both) is refused after the name is checked.
            let wanted: String? = clear ? (site == nil ? nil : "") : site ?? ""
            let placed = try await cli { try await options.admin().setSite(wanted, device: name) }
            print("\(placed.name) is in site \(SiteName.name(placed.site)).")
        }
    }
}
