import ArgumentParser

extension Device {
    struct Display: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Set the name a device shows on public status pages, or --clear it (it then shows as \"Device 1\"...).")
        @Argument var name: String
        @Argument(help: "The display name, e.g. \"Front door camera\".") var display: String?
        @Flag(help: "No display name.") var clear = false
        @OptionGroup var options: StoreOptions

        func run() async throws {
            // Neither a name nor --clear (or both) is refused after the device's name is checked.
            let wanted: String? = clear ? (display == nil ? nil : "") : display ?? ""
            let set = try await cli { try await options.admin().setDisplayName(wanted, device: name) }
            print(
                set.shown.map { "\(set.name) shows as \"\($0)\" on status pages." }
                    ?? "\(set.name) has no display name.")
        }
    }
}
