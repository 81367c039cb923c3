import ArgumentParser
import CollectorRules
import DowntimeProtocol

extension Job {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the jobs with their schedules and states.")
        @OptionGroup var options: StoreOptions

        func run() async throws {
            for job in try await cli({ try await options.jobs().list() }) {
                let s = job.spec
                let limit = s.maxRuntime.map { "max \(Durations.text($0))" } ?? "no max"
                print(
                    "\(s.name)\t\(s.device)\t\(s.schedule.text)\tgrace \(Durations.text(s.grace))\t\(limit)\t"
                        + "\(job.state.rawValue) since \(WireTime.format(job.stateSince))")
            }
        }
    }
}
