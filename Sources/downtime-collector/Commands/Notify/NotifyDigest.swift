import ArgumentParser
import CollectorCore
import Foundation
import Logging

extension Notify {
    struct Digest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send one channel's digest now, for the day (or week, with digest=weekly@...) ending now.")
        @Argument var name: String
        @OptionGroup var options: StoreOptions

        func run() async throws {
            let (sent, detail) = try await cli {
                let config = try options.resolve()
                let spec = try Notify.channel(name, in: config)
                let settings = DigestSource.Settings(
                    policy: config.policy, defaultInterval: config.defaultInterval, maintenance: config.maintenance,
                    time: config.localTime)
                return try await Digests.sendNow(
                    spec, store: try await config.openStore(), settings: settings,
                    logger: Logger(label: "downtime-collector"))
            }
            print(sent ? "Sent the digest through \(name) (\(detail))." : "Sending through \(name) failed: \(detail)")
            if !sent { throw ExitCode(1) }
        }
    }
}
