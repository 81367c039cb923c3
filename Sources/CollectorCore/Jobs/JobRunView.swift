import CollectorRules
import Foundation

/// One run of a job on the read API (`GET /api/v1/jobs/{name}`): its times (UTC), how it ended and its output.
public struct JobRunView: Codable, Sendable, Equatable {
    public var rid: String
    /// Null when only its end arrived.
    public var start: Date?
    /// Null while it runs (or when it was interrupted).
    public var end: Date?
    public var exitCode: Int?
    public var signal: Int?
    public var durationS: Double?
    /// The last 4 KB of its output.
    public var output: String
    /// Bytes of output before those kept.
    public var outputDropped: Int
    public var reason: String
    public var interrupted: Bool

    enum CodingKeys: String, CodingKey {
        case rid, start, end, signal, output, reason, interrupted
        case exitCode = "exit_code"
        case durationS = "duration_s"
        case outputDropped = "output_dropped"
    }

    public init(_ run: JobRun) {
        rid = run.rid
        start = run.start
        end = run.end
        exitCode = run.exitCode
        signal = run.signal
        durationS = run.duration
        output = run.output
        outputDropped = run.outputDropped
        reason = run.reason
        interrupted = run.interrupted
    }

    public func encode(to encoder: any Encoder) throws {
        // Nulls are written out, as on the other read API answers.
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rid, forKey: .rid)
        try c.encode(start, forKey: .start)
        try c.encode(end, forKey: .end)
        try c.encode(exitCode, forKey: .exitCode)
        try c.encode(signal, forKey: .signal)
        try c.encode(durationS, forKey: .durationS)
        try c.encode(output, forKey: .output)
        try c.encode(outputDropped, forKey: .outputDropped)
        try c.encode(reason, forKey: .reason)
        try c.encode(interrupted, forKey: .interrupted)
    }
}
