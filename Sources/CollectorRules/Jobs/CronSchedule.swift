import DowntimeProtocol
import Foundation

/// A 5-field cron expression (minute hour day-of-month month day-of-week) as crontab(5) reads it: lists, ranges,
/// steps (`*/15`, `1-5/2`), month and day names (`jan`, `mon-fri`), 0 and 7 both Sunday, the `@daily`-style macros,
/// and the Vixie rule: when both day fields are restricted (do not begin with `*`), a day matches either.
/// Pure: `next(after:in:)` is a function of its inputs, local times in the given zone.
public struct CronSchedule: Sendable, Equatable {
    public enum Field: String, Sendable, CaseIterable {
        case minute, hour
        case dayOfMonth = "day-of-month"
        case month
        case dayOfWeek = "day-of-week"

        var range: ClosedRange<Int> {
            switch self {
            case .minute: 0...59
            case .hour: 0...23
            case .dayOfMonth: 1...31
            case .month: 1...12
            case .dayOfWeek: 0...7
            }
        }

        var names: [String] {
            switch self {
            case .month: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
            case .dayOfWeek: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
            default: []
            }
        }

        /// The value of the first name (jan = 1, sun = 0).
        var firstNameValue: Int { self == .month ? 1 : 0 }
    }

    /// A bad expression, naming the field at fault.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public var field: Field?
        public var message: String
        public var description: String { field.map { "\($0.rawValue): \(message)" } ?? message }
    }

    public let text: String
    public let minutes: [Int]
    public let hours: [Int]
    let daysOfMonth: Set<Int>
    let months: Set<Int>
    /// 0 = Sunday ... 6 = Saturday (7 is read as 0).
    let daysOfWeek: Set<Int>
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool
    /// Vixie cron's "wildcard" job (minute or hour begins with `*`): it follows the clock through a DST change
    /// (runs in both passes of a repeated hour, not for skipped times); a fixed-time job runs once in a repeated
    /// hour and, when its time is skipped, at the first minute after the gap.
    let followsClock: Bool

    static let macros = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    public init(_ expression: String) throws(ParseError) {
        let trimmed = expression.trimmingCharacters(in: .whitespaces).lowercased()
        let expanded = trimmed.hasPrefix("@") ? Self.macros[trimmed] : trimmed
        guard let expanded else { throw ParseError(field: nil, message: "unknown macro '\(trimmed)'") }
        let parts = expanded.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard parts.count == 5 else {
            throw ParseError(
                field: nil, message: "a cron expression has 5 fields (minute hour day-of-month month day-of-week)")
        }
        text = trimmed
        minutes = try Self.values(parts[0], .minute).sorted()
        hours = try Self.values(parts[1], .hour).sorted()
        daysOfMonth = Set(try Self.values(parts[2], .dayOfMonth))
        months = Set(try Self.values(parts[3], .month))
        daysOfWeek = Set(try Self.values(parts[4], .dayOfWeek).map { $0 % 7 })
        dayOfMonthRestricted = !parts[2].hasPrefix("*")
        dayOfWeekRestricted = !parts[4].hasPrefix("*")
        followsClock = parts[0].hasPrefix("*") || parts[1].hasPrefix("*")
        // A day of month no chosen month has (`0 0 30 2 *`) would never run.
        if !dayOfWeekRestricted || !dayOfMonthRestricted {
            let longest = months.map { [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][$0 - 1] }.max() ?? 31
            if let first = daysOfMonth.min(), first > longest {
                throw ParseError(field: .dayOfMonth, message: "day \(first) never occurs in the months chosen")
            }
        }
    }

    /// The values of one field: a comma list of `*`, `N`, `N-M`, each with an optional `/STEP`.
    static func values(_ text: String, _ field: Field) throws(ParseError) -> Set<Int> {
        var result = Set<Int>()
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let stepParts = item.split(separator: "/", omittingEmptySubsequences: false)
            guard stepParts.count <= 2, !stepParts[0].isEmpty else {
                throw ParseError(field: field, message: "'\(item)' is not a value, range or step")
            }
            var step = 1
            if stepParts.count == 2 {
                guard let s = Int(stepParts[1]), s > 0, s <= field.range.upperBound else {
                    throw ParseError(field: field, message: "'\(stepParts[1])' is not a step")
                }
                step = s
            }
            let range = try Self.range(String(stepParts[0]), field, stepped: stepParts.count == 2)
            result.formUnion(stride(from: range.lowerBound, through: range.upperBound, by: step))
        }
        return result
    }

    static func range(_ text: String, _ field: Field, stepped: Bool) throws(ParseError) -> ClosedRange<Int> {
        if text == "*" { return field == .dayOfWeek ? 0...6 : field.range }
        let ends = text.split(separator: "-", omittingEmptySubsequences: false)
        guard ends.count <= 2 else { throw ParseError(field: field, message: "'\(text)' is not a range") }
        let low = try value(String(ends[0]), field)
        guard ends.count == 2 else {
            // crontab(5) steps only ranges: `5/10` is an error, not "from 5".
            if stepped { throw ParseError(field: field, message: "a step needs a range or '*' ('\(text)/…')") }
            return low...low
        }
        let high = try value(String(ends[1]), field)
        guard low <= high else { throw ParseError(field: field, message: "'\(text)' runs backwards") }
        return low...high
    }

    static func value(_ text: String, _ field: Field) throws(ParseError) -> Int {
        if let index = field.names.firstIndex(of: text) { return index + field.firstNameValue }
        guard let n = Int(text), text.allSatisfy(\.isASCII), field.range.contains(n) else {
            let names = field.names.isEmpty ? "" : " or a name (\(field.names[0])…)"
            throw ParseError(
                field: field,
                message: "'\(text)' is not a number \(field.range.lowerBound)-\(field.range.upperBound)\(names)")
        }
        return n
    }

    /// Whether the cron runs on a local civil day.
    func matches(year: Int, month: Int, day: Int, weekday: Int) -> Bool {
        guard months.contains(month) else { return false }
        let dom = daysOfMonth.contains(day)
        let dow = daysOfWeek.contains(weekday)
        if dayOfMonthRestricted && dayOfWeekRestricted { return dom || dow }
        return dom && dow
    }

    /// The first run strictly after `date`, local times read in `zone`. Around DST changes: a fixed time the
    /// spring-forward skips runs at the first minute after the gap (once, however many were skipped); a fixed time
    /// repeated by the fall-back runs at its first pass only; a clock-following job (`*` minute or hour) runs at
    /// every matching instant that exists.
    public func next(after date: Date, in zone: TimeZone) -> Date {
        let t = date.timeIntervalSince1970
        let wallNow = Self.wallSeconds(t, zone)
        let firstDay = Self.floorDiv(Int(wallNow.rounded(.down)), 86_400) - 1
        var best: Double?
        // 28 years cover every day-of-month and weekday combination (a 29 February included).
        for day in firstDay..<(firstDay + 28 * 366) {
            let (y, m, d) = WireTime.civil(fromDays: day)
            if let b = best, Double(day) * 86_400 > Self.wallSeconds(b, zone) + 10_800 { break }
            guard matches(year: y, month: m, day: d, weekday: Self.floorMod(day + 4, 7)) else { continue }
            for h in hours {
                for minute in minutes {
                    let wall = Double(day * 86_400 + h * 3600 + minute * 60)
                    if wall < wallNow - 10_800 { continue }
                    if let b = best, wall > Self.wallSeconds(b, zone) + 10_800 { break }
                    for instant in instants(ofWall: wall, zone) where instant > t {
                        best = min(best ?? instant, instant)
                    }
                }
            }
        }
        return Date(timeIntervalSince1970: best ?? t + 86_400)
    }

    /// The instants a local wall time runs at under the DST rules above.
    func instants(ofWall wall: Double, _ zone: TimeZone) -> [Double] {
        let before = Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: wall - 86_400)))
        let after = Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: wall + 86_400)))
        let exact = Set([wall - before, wall - after]).filter { Self.wallSeconds($0, zone) == wall }.sorted()
        if followsClock { return exact }
        if let first = exact.first { return [first] }
        // Skipped: the gap's end, the first instant at the later offset (found by halving; offsets change on
        // whole minutes).
        var low = wall - before - (after - before)
        var high = wall - before
        while high - low > 60 {
            let mid = ((low + high) / 2 / 60).rounded(.down) * 60
            if Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: mid))) == after {
                high = mid
            } else {
                low = mid
            }
        }
        return [high]
    }

    static func wallSeconds(_ t: Double, _ zone: TimeZone) -> Double {
        t + Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: t)))
    }

    static func floorDiv(_ a: Int, _ n: Int) -> Int { a >= 0 ? a / n : -((-a + n - 1) / n) }
    static func floorMod(_ a: Int, _ n: Int) -> Int { ((a % n) + n) % n }
}
