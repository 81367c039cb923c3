import DowntimeProtocol
import Foundation

/// A curl ping for a job (`/ping/job/KEY[/start|/fail|/EXITCODE][?rid=…]`) and the event it records. Pure: the
/// collector's time, the job's runs and a fresh run id are given.
public enum JobPing: Sendable, Equatable {
    case start
    /// The run ended with this exit code (0 for `/ping/job/KEY`); nil for `/fail` (no code told).
    case end(exitCode: Int?)

    /// Why a ping was refused, naming the part of the URL at fault.
    public struct Refusal: Error, Equatable, CustomStringConvertible {
        public var field: String
        public var message: String
        public var description: String { "\(field) \(message)" }
    }

    /// Reads the path's last part: nil (success), `start`, `fail` or an exit code 0-255.
    public static func parse(action: String?) throws(Refusal) -> JobPing {
        switch action {
        case nil, "": return .end(exitCode: 0)
        case "start": return .start
        case "fail": return .end(exitCode: nil)
        case let text?:
            guard text.count <= 3, text.allSatisfy(\.isASCII), let code = Int(text), (0...255).contains(code) else {
                throw Refusal(field: "exit_code", message: "must be start, fail or an exit code 0-255")
            }
            return .end(exitCode: code)
        }
    }

    /// A `rid` as given: 1 to 64 letters, digits and `._:-`.
    public static func checkRID(_ rid: String?) throws(Refusal) -> String? {
        guard let rid else { return nil }
        let allowed = rid.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) || c == 0x2E || c == 0x5F || c == 0x3A
                || c == 0x2D
        }
        guard !rid.isEmpty, rid.utf8.count <= JobStart.maxRID, allowed else {
            throw Refusal(field: "rid", message: "must be 1 to \(JobStart.maxRID) letters, digits or ._:-")
        }
        return rid
    }

    /// The event this ping records for `job` at `now` (a ping-made run has no boot id). Without a `rid`, a start
    /// takes `newRID`, and an end pairs with the newest open ping-made run (or is an end with an unknown start).
    public func event(
        job: JobSpec, rid: String?, output body: [UInt8], runs: [JobRun], now: Date, newRID: String
    ) -> Event {
        switch self {
        case .start:
            return Event(
                device: job.device, at: now, bootID: nil,
                payload: .jobStart(JobStart(name: job.name, rid: rid ?? newRID)))
        case .end(let exitCode):
            let open = runs.filter { $0.isOpen && $0.bootID == nil }.sorted { $0.at > $1.at }
            let run = rid.map { r in runs.first { $0.rid == r && $0.isOpen } } ?? open.first
            let tail = JobEnd.tail(of: body)
            let end = JobEnd(
                name: job.name, rid: rid ?? run?.rid ?? newRID, exitCode: exitCode,
                durationS: run?.start.map { max(0, now.timeIntervalSince($0)) }, output: tail.output,
                outputDropped: tail.dropped)
            return Event(device: job.device, at: now, bootID: nil, payload: .jobEnd(end))
        }
    }
}
