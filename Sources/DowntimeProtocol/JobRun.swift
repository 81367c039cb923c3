#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A job run's start: `downtime-agent job NAME -- COMMAND…` on the device, or `/ping/job/KEY/start`.
/// `rid` tells overlapping runs of one job apart; the end of a run names the same `rid`.
public struct JobStart: Codable, Sendable, Hashable {
    /// The longest run id kept.
    public static let maxRID = 64

    /// The job's name (the device name rule).
    public var name: String
    public var rid: String

    public init(name: String, rid: String) {
        self.name = name
        self.rid = rid
    }
}

/// A job run's end. `exitCode` is nil when a signal ended the command (`signal` says which) or when nothing told
/// it (a curl ping `…/fail`); `durationS` is measured on the device's monotonic clock (a clock step does not change
/// it), nil when only the end is known.
public struct JobEnd: Codable, Sendable, Hashable {
    /// Bytes of output kept: the last 4 KB of the command's combined output; the rest is counted in `outputDropped`.
    public static let maxOutput = 4096
    /// The longest reason kept.
    public static let maxReason = 200

    public var name: String
    public var rid: String
    public var exitCode: Int?
    public var signal: Int?
    public var durationS: Double?
    /// The end of the output, UTF-8 (invalid bytes replaced), at most `maxOutput` bytes.
    public var output: String
    public var outputDropped: Int
    /// Why it failed when the exit code does not say (e.g. "command not found"); empty otherwise.
    public var reason: String

    public init(
        name: String, rid: String, exitCode: Int?, signal: Int? = nil, durationS: Double?,
        output: String = "", outputDropped: Int = 0, reason: String = ""
    ) {
        self.name = name
        self.rid = rid
        self.exitCode = exitCode
        self.signal = signal
        self.durationS = durationS
        self.output = output
        self.outputDropped = outputDropped
        self.reason = reason
    }

    /// A run succeeded when its command exited 0.
    public var succeeded: Bool { exitCode == 0 && signal == nil }

    /// The last `maxOutput` bytes of `bytes` as text (begun at a character boundary) and how many bytes were left out.
    public static func tail(of bytes: [UInt8]) -> (output: String, dropped: Int) {
        var start = max(0, bytes.count - maxOutput)
        while true {
            // Never begin inside a UTF-8 sequence: skip continuation bytes.
            while start < bytes.count, start > 0, bytes[start] & 0xC0 == 0x80 { start += 1 }
            let text = String(decoding: bytes[start...], as: UTF8.self)
            // Replacement characters (3 bytes each) may grow it past the cap: begin later, by a
            // third of the excess (each byte left out takes at most 3 bytes of text with it).
            let excess = text.utf8.count - maxOutput
            if excess <= 0 { return (text, start) }
            start += max(1, excess / 3)
        }
    }
}
