import Foundation

/// When a job is expected to start: every fixed period after its last start, or on a cron schedule in the
/// collector's zone.
public enum JobSchedule: Sendable, Equatable {
    case every(TimeInterval)
    case cron(CronSchedule)

    /// The next expected start after `date`.
    public func next(after date: Date, in zone: TimeZone) -> Date {
        switch self {
        case .every(let period): date + period
        case .cron(let cron): cron.next(after: date, in: zone)
        }
    }

    /// As stored and shown: "every 86400" or "cron 0 3 * * *".
    public var text: String {
        switch self {
        case .every(let period): "every \(Int(period))"
        case .cron(let cron): "cron \(cron.text)"
        }
    }

    /// Reads `text` back; nil when it is not one.
    public init?(text: String) {
        if text.hasPrefix("every "), let s = Int(text.dropFirst(6)), s > 0 {
            self = .every(TimeInterval(s))
        } else if text.hasPrefix("cron "), let cron = try? CronSchedule(String(text.dropFirst(5))) {
            self = .cron(cron)
        } else {
            return nil
        }
    }
}
