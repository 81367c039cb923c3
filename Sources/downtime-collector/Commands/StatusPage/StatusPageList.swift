import ArgumentParser
import CollectorRules
import DowntimeProtocol

extension StatusPage {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the status pages with what they show.")
        @OptionGroup var options: StoreOptions

        func run() async throws {
            for page in try await cli({ try await options.statusPages().list() }) {
                let access = page.passwordHash == nil ? "public" : "password"
                print(
                    "\(page.name)\t\(page.selector.text)\t\(access)\t\(page.title)\tadded \(WireTime.format(page.createdAt))"
                )
            }
        }
    }
}
