import DowntimeProtocol
import Glibc

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `downtime-agent job NAME -- COMMAND…`: runs the command (`JobProcess`) between a `job_start` and a `job_end`
/// reported through `DropSender`. Reporting never fails the job: what cannot be written or sent is one line on
/// stderr, and the wrapper still exits with the command's own code.
public struct JobCommand {
    let request: JobRequest
    /// Nil when the agent's configuration cannot report (`problem` says why): the command runs all the same.
    let sender: DropSender?
    let problem: String

    public init(
        request: JobRequest, config: Result<AgentConfig, ConfigError>, facts: any BootFacts,
        transport: Result<any Transport, ConfigError>
    ) {
        self.request = request
        switch (config, transport) {
        case (.success(let config), .success(let transport)):
            sender = DropSender(config: config, facts: facts, transport: transport)
            problem = ""
        case (.failure(let error), _), (_, .failure(let error)):
            sender = nil
            problem = error.message
        }
    }

    /// Runs the job and reports it; the wrapper's exit code and the one line for stderr, if any.
    public func run(passThrough: Int32? = 1, stopSignals: Bool = true) -> (exitCode: Int32, warning: String?) {
        let rid = UUID().wireString
        var report = Report(sender: sender, problem: problem)
        report.add(.jobStart(JobStart(name: request.name, rid: rid)))
        let result = JobProcess.run(request.command, passThrough: passThrough, stopSignals: stopSignals)
        let (output, dropped) = result.output.tail
        report.add(
            .jobEnd(
                JobEnd(
                    name: request.name, rid: rid, exitCode: result.exitCode, signal: result.signal,
                    durationS: result.durationS, output: output, outputDropped: dropped, reason: result.reason)))
        let warning = report.warning.map { "downtime-agent job \(request.name): \($0)" }
        let failed = result.reason.isEmpty ? nil : "downtime-agent job \(request.name): \(result.reason)"
        let lines = [failed, warning].compactMap { $0 }
        return (result.wrapperExitCode, lines.isEmpty ? nil : lines.joined(separator: "\n"))
    }

    /// One run's events: each written for the running agent and sent with any earlier one not sent yet, so that the
    /// collector never gets an end before its start from the wrapper.
    struct Report {
        let sender: DropSender?
        /// Why the configuration cannot report.
        let problem: String
        var unsent: [Event] = []
        /// Why an event could not be made (it is lost).
        var lost: String?
        /// Why an event could not be written for the running agent (it is lost unless sent).
        var notWritten: String?
        /// Why the last try to send failed.
        var notSent = ""

        init(sender: DropSender?, problem: String) {
            self.sender = sender
            self.problem = problem
        }

        mutating func add(_ payload: Event.Payload) {
            guard let sender else { return }
            let made: (event: Event, bootID: String)
            do { made = try sender.event(payload) } catch {
                lost = error.message
                return
            }
            do { try sender.put(made.event, bootID: made.bootID) } catch { notWritten = error.message }
            unsent.append(made.event)
            switch sender.send(unsent) {
            case .sent: unsent = []
            case .queued(let why): notSent = why
            }
        }

        /// What to say when not everything reached the collector or the running agent's drop folder.
        var warning: String? {
            guard sender != nil else { return "not reported: \(problem)" }
            if let lost { return "not reported: \(lost)" }
            if unsent.isEmpty { return nil }
            if let notWritten { return "not reported: \(notWritten); not sent: \(notSent)" }
            return "reported later by the running agent (not sent now: \(notSent))"
        }
    }
}
