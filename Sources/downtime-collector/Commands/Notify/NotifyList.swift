import ArgumentParser
import CollectorRules
import CurlClient

extension Notify {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the configured channels.")
        @OptionGroup var options: StoreOptions

        func run() async throws {
            for channel in try await cli({ try options.resolve().notifiers }) {
                let remind = channel.options["remind"].map { "\tremind every \($0)" } ?? ""
                let digest = channel.digest.map { "\tdigest \($0.text)" } ?? ""
                let quiet = channel.quiet.map { "\tquiet \($0.text)" } ?? ""
                let url = CurlClient.redacted(channel.url)
                print("\(channel.name)\t\(channel.kind.rawValue)\t\(url)\(remind)\(digest)\(quiet)")
            }
        }
    }
}
