import DowntimeProtocol
import Foundation

/// A maintenance window: no alarms, and its time counts as maintenance, not downtime.
public struct MaintenanceWindow: Sendable, Equatable, Codable {
    /// Which devices: all, one device, or the devices with a tag.
    public enum Target: Sendable, Equatable, Codable {
        case all
        case device(String)
        case tag(String)
    }

    /// When: once between two times, or every week on some days between two times of day.
    public enum Schedule: Sendable, Equatable, Codable {
        case once(start: Date, end: Date)
        /// `weekdays` 1 = Sunday ... 7 = Saturday (Calendar's numbering); minutes since midnight local time.
        case weekly(weekdays: Set<Int>, startMinute: Int, endMinute: Int)
    }

    public var id: Int64?
    public var target: Target
    public var schedule: Schedule
    /// Why, for a window a device announced; nil for the collector's own.
    public var reason: String?

    public init(id: Int64? = nil, target: Target, schedule: Schedule, reason: String? = nil) {
        self.id = id
        self.target = target
        self.schedule = schedule
        self.reason = reason
    }

    public func applies(to device: String, tags: [String]) -> Bool {
        switch target {
        case .all: true
        case .device(let d): d == device
        case .tag(let t): tags.contains(t)
        }
    }

    /// The stretches of this window that overlap `range`, in the time zone `tz` for weekly ones.
    public func occurrences(in range: DateInterval, timeZone tz: TimeZone) -> [DateInterval] {
        switch schedule {
        case .once(let start, let end):
            let from = max(start, range.start)
            let to = min(end, range.end)
            return to > from ? [DateInterval(start: from, end: to)] : []
        case .weekly(let weekdays, let startMinute, let endMinute):
            var cal = Calendar(identifier: .gregorian)
            cal.timeZone = tz
            var out: [DateInterval] = []
            // Start a day early: a window over midnight began the day before.
            var day = cal.startOfDay(for: range.start - 86_400)
            while day < range.end {
                if weekdays.contains(cal.component(.weekday, from: day)) {
                    let windowStart = cal.date(byAdding: .minute, value: startMinute, to: day) ?? day
                    // An end before the start means the window runs past midnight.
                    let endOffset = endMinute > startMinute ? endMinute : endMinute + 24 * 60
                    let windowEnd = cal.date(byAdding: .minute, value: endOffset, to: day) ?? day
                    let cs = max(windowStart, range.start)
                    let ce = min(windowEnd, range.end)
                    if ce > cs { out.append(DateInterval(start: cs, end: ce)) }
                }
                day = cal.date(byAdding: .day, value: 1, to: day) ?? day + 86_400
            }
            return out
        }
    }

    /// A one-line description, the same text `parse` reads.
    public var spec: String {
        let who: String =
            switch target {
            case .all: "all"
            case .device(let d): "device:\(d)"
            case .tag(let t): "tag:\(t)"
            }
        switch schedule {
        case .once(let start, let end):
            return "\(who) once \(WireTime.format(start, offsetSeconds: 0, millis: false)) "
                + WireTime.format(end, offsetSeconds: 0, millis: false)
        case .weekly(let days, let sm, let em):
            let names = days.sorted().map { Self.dayNames[$0 - 1] }.joined(separator: ",")
            return "\(who) weekly \(names) \(Self.hhmm(sm))-\(Self.hhmm(em))"
        }
    }

    package static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    package static func hhmm(_ m: Int) -> String {
        (m / 60 < 10 ? "0" : "") + "\(m / 60):" + (m % 60 < 10 ? "0" : "") + "\(m % 60)"
    }

    /// Reads `TARGET once START END` or `TARGET weekly DAYS HH:MM-HH:MM`, where TARGET is `all`,
    /// `device:NAME` or `tag:TAG`, times are ISO 8601 and DAYS like `sat,sun` or `mon-fri`.
    public static func parse(_ text: String) throws(WireValidationError) -> MaintenanceWindow {
        let words = text.split(separator: " ").map(String.init)
        guard words.count == 4 else {
            throw WireValidationError(
                field: "maintenance", "expected TARGET once START END or TARGET weekly DAYS HH:MM-HH:MM")
        }
        let target: Target
        if words[0] == "all" {
            target = .all
        } else if words[0].hasPrefix("device:"), let name = DeviceName.normalize(String(words[0].dropFirst(7))) {
            target = .device(name)
        } else if words[0].hasPrefix("tag:"), let tag = DeviceName.normalize(String(words[0].dropFirst(4))) {
            target = .tag(tag)
        } else {
            throw WireValidationError(field: "maintenance", "target must be all, device:NAME or tag:TAG")
        }
        switch words[1] {
        case "once":
            guard let start = WireTime.parse(words[2]), let end = WireTime.parse(words[3]), end > start else {
                throw WireValidationError(
                    field: "maintenance", "once needs two ISO 8601 times, the end after the start")
            }
            return MaintenanceWindow(target: target, schedule: .once(start: start, end: end))
        case "weekly":
            let days = try weekdays(words[2])
            let times = words[3].split(separator: "-").map(String.init)
            guard times.count == 2, let sm = minutes(times[0]), let em = minutes(times[1]), sm != em else {
                throw WireValidationError(field: "maintenance", "weekly needs HH:MM-HH:MM (24 h, local time)")
            }
            return MaintenanceWindow(target: target, schedule: .weekly(weekdays: days, startMinute: sm, endMinute: em))
        default:
            throw WireValidationError(field: "maintenance", "schedule must be once or weekly")
        }
    }

    package static func minutes(_ s: String) -> Int? {
        let parts = s.split(separator: ":")
        guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
            (0...23).contains(hour), (0...59).contains(minute)
        else { return nil }
        return hour * 60 + minute
    }

    package static func weekdays(_ s: String) throws(WireValidationError) -> Set<Int> {
        var out: Set<Int> = []
        for part in s.lowercased().split(separator: ",") {
            let ends = part.split(separator: "-").map { dayNames.firstIndex(of: String($0)) }
            guard (1...2).contains(ends.count), let first = ends.first ?? nil, let last = ends.last ?? nil else {
                throw WireValidationError(field: "maintenance", "days are like sat,sun or mon-fri")
            }
            var day = first
            while true {
                out.insert(day + 1)
                if day == last { break }
                day = (day + 1) % 7
            }
        }
        return out
    }
}
