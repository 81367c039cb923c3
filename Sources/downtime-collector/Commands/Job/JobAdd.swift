import ArgumentParser
import CollectorCore

extension Job {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a job; prints its key (shown once, for /ping/job/KEY) on the last line.")
        @Argument(help: "The job's name (the name `downtime-agent job NAME` reports).") var name: String
        @Option(help: "The device the job runs on.") var device: String
        @Option(help: "Expect a start every DURATION after the last (like 15m, 1d).") var every: String?
        @Option(help: "Expect starts on a 5-field cron schedule, in DOWNTIME_TIMEZONE (like \"0 3 * * *\").")
        var cron: String?
        @Option(help: "How late a start may be before the job is late (default 1h).") var grace: String?
        @Option(help: "How long a run may take before it is too long (default: no limit).") var maxRuntime: String?
        @OptionGroup var options: StoreOptions

        func run() async throws {
            let request = JobAdmin.Request(
                name: name, device: device, every: every, cron: cron, grace: grace, maxRuntime: maxRuntime)
            let added = try await cli { try await options.jobs().add(request) }
            let spec = added.record.spec
            print("Added job \(spec.name) on \(spec.device) (\(spec.schedule.text)).")
            print("Its key, shown only now (for curl: /ping/job/KEY/start, /ping/job/KEY, /ping/job/KEY/fail):")
            print(added.key)
        }
    }
}
