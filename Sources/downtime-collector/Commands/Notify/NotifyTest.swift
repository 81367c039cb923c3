import ArgumentParser
import CollectorCore
import CollectorRules
import Foundation
import Logging

extension Notify {
    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a test message through one channel now.")
        @Argument var name: String
        @OptionGroup var options: StoreOptions

        func run() async throws {
            let (sent, detail) = try await cli {
                let config = try options.resolve()
                let spec = try Notify.channel(name, in: config)
                let store = try await config.openStore()
                let notifier = Notifier(
                    specs: [spec], planner: NotificationPlanner(), store: store,
                    logger: Logger(label: "downtime-collector"), backoff: [])
                let sent = await notifier.deliver(MessageWriter.test(at: Date(), time: config.localTime), via: spec)
                let attempt = try await LogReader(store: store).deliveries(device: "test", limit: 1).first
                return (sent, attempt?.detail ?? "")
            }
            print(sent ? "Sent through \(name) (\(detail))." : "Sending through \(name) failed: \(detail)")
            if !sent { throw ExitCode(1) }
        }
    }
}
