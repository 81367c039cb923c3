import ArgumentParser
import DowntimeProtocol

extension APIKey {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the API keys with their scope and last use.")
        @OptionGroup var options: StoreOptions

        func run() async throws {
            for key in try await cli({ try await options.keys().list() }) {
                let used = key.lastUsedAt.map { "last used \(WireTime.format($0))" } ?? "never used"
                print("\(key.name)\t\(key.scope.rawValue)\tadded \(WireTime.format(key.createdAt))\t\(used)")
            }
        }
    }
}
