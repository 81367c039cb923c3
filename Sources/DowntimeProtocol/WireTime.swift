#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// ISO 8601 times on the wire: always written in UTC with milliseconds, read with any offset.
public enum WireTime {
    /// Times outside this range are refused: a clock at 1970 or 9999 is broken, not a fact.
    public static let validRange: ClosedRange<Date> =
        Date(timeIntervalSince1970: 1_577_836_800)...Date(timeIntervalSince1970: 4_102_444_800) // 2020 ... 2100

    /// Formats `date` as `2026-11-22T08:12:03.123Z`.
    public static func format(_ date: Date) -> String {
        format(date, offsetSeconds: 0)
    }

    /// Formats `date` in a fixed offset from UTC, e.g. `2026-11-22T09:12:03+01:00` (no fraction when `millis` is false).
    public static func format(_ date: Date, offsetSeconds: Int, millis: Bool = true) -> String {
        let totalMillis = Int64((date.timeIntervalSince1970 * 1000).rounded()) + Int64(offsetSeconds) * 1000
        let ms = Int(((totalMillis % 1000) + 1000) % 1000)
        let secs = (totalMillis - Int64(ms)) / 1000
        let days = Int((secs >= 0 ? secs : secs - 86_399) / 86_400)
        let secOfDay = Int(secs - Int64(days) * 86_400)
        let (year, month, day) = civil(fromDays: days)
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T"
        text += pad(secOfDay / 3600, 2) + ":" + pad(secOfDay / 60 % 60, 2) + ":" + pad(secOfDay % 60, 2)
        if millis { text += "." + pad(ms, 3) }
        if offsetSeconds == 0 { return text + "Z" }
        let sign = offsetSeconds < 0 ? "-" : "+"
        let off = abs(offsetSeconds) / 60
        return text + sign + pad(off / 60, 2) + ":" + pad(off % 60, 2)
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; nil for anything else.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.count <= 40 else { return nil }
        func num(_ from: Int, _ len: Int) -> Int? {
            guard from + len <= bytes.count else { return nil }
            var value = 0
            for i in from..<(from + len) {
                let digit = bytes[i]
                guard digit >= 48, digit <= 57 else { return nil }
                value = value * 10 + Int(digit - 48)
            }
            return value
        }
        guard let year = num(0, 4), bytes[4] == 45, let month = num(5, 2), bytes[7] == 45,
            let day = num(8, 2), bytes[10] == 84 || bytes[10] == 116, let hour = num(11, 2), bytes[13] == 58,
            let minute = num(14, 2), bytes[16] == 58, let second = num(17, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
            hour <= 23, minute <= 59, second <= 59
        else { return nil }
        var cursor = 19
        var fraction = 0.0
        if bytes[cursor] == 46 { // '.'
            cursor += 1
            var scale = 0.1
            let start = cursor
            while cursor < bytes.count, bytes[cursor] >= 48, bytes[cursor] <= 57 {
                fraction += Double(bytes[cursor] - 48) * scale
                scale /= 10
                cursor += 1
            }
            guard cursor > start, cursor - start <= 9 else { return nil }
        }
        guard cursor < bytes.count else { return nil }
        var offset = 0
        if bytes[cursor] == 90 || bytes[cursor] == 122 { // 'Z'
            cursor += 1
        } else if bytes[cursor] == 43 || bytes[cursor] == 45 { // '+' / '-'
            guard let oh = num(cursor + 1, 2), cursor + 3 < bytes.count, bytes[cursor + 3] == 58,
                let om = num(cursor + 4, 2), oh <= 23, om <= 59
            else { return nil }
            offset = (oh * 3600 + om * 60) * (bytes[cursor] == 45 ? -1 : 1)
            cursor += 6
        } else {
            return nil
        }
        guard cursor == bytes.count else { return nil }
        let days = daysFromCivil(year, month, day)
        let seconds = Double(days * 86_400 + hour * 3600 + minute * 60 + second - offset) + fraction
        return Date(timeIntervalSince1970: seconds)
    }

    private static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's civil-from-days algorithms.
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Year, month, day of the civil day `z0` since 1970-01-01 (Howard Hinnant's algorithm); also cron's calendar.
    package static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d)
    }
}
