import Foundation

/// Times as people read them (messages): in the collector's zone (`DOWNTIME_TIMEZONE`), with the zone's
/// abbreviation, "2026-12-01 02:13 CET", "02:13–04:51 CET". The API, exports and the stored record stay UTC.
public struct LocalTime: Sendable, Equatable {
    public let zone: TimeZone
    let abbreviations: ZoneAbbreviations

    public init(_ zone: TimeZone, zoneinfo: String = "/usr/share/zoneinfo") {
        self.zone = zone
        abbreviations = ZoneAbbreviations.load(zone.identifier, zoneinfo: zoneinfo)
    }

    public static let utc = LocalTime(TimeZone(identifier: "UTC") ?? .gmt)

    /// The zone's name at `d` ("CET" in winter, "CEST" in summer); UTC is "UTC".
    public func abbreviation(_ d: Date) -> String {
        let offset = zone.secondsFromGMT(for: d)
        if offset == 0 && ["UTC", "Etc/UTC", "GMT", "Etc/GMT", "Universal", "Zulu"].contains(zone.identifier) {
            return "UTC"
        }
        let kind = ZoneAbbreviations.Kind(offset: offset, dst: zone.isDaylightSavingTime(for: d))
        if let name = abbreviations.names[kind] { return name }
        let sign = offset < 0 ? "-" : "+"
        let (h, m) = (abs(offset) / 3600, abs(offset) % 3600 / 60)
        return "UTC" + sign + (m == 0 ? "\(h)" : String(format: "%d:%02d", h, m))
    }

    private func parts(_ d: Date) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.dateComponents([.year, .month, .day, .hour, .minute], from: d)
    }

    /// "2026-12-01"
    public func day(_ d: Date) -> String {
        let p = parts(d)
        return String(format: "%04d-%02d-%02d", p.year ?? 0, p.month ?? 0, p.day ?? 0)
    }

    /// "02:13"
    public func clock(_ d: Date) -> String {
        let p = parts(d)
        return String(format: "%02d:%02d", p.hour ?? 0, p.minute ?? 0)
    }

    /// "2026-12-01 02:13 CET"
    public func stamp(_ d: Date) -> String { "\(day(d)) \(clock(d)) \(abbreviation(d))" }

    /// "2026-12-01 02:13–04:51 CET", the end's day only when it differs, its zone when it changed (a DST step).
    public func span(_ start: Date, _ end: Date) -> String {
        var text = "\(day(start)) \(clock(start))"
        if abbreviation(start) != abbreviation(end) { text += " \(abbreviation(start))" }
        text += "–" + (day(end) == day(start) ? clock(end) : "\(day(end)) \(clock(end))")
        return text + " " + abbreviation(end)
    }

    /// The zone `DOWNTIME_TIMEZONE` names, else the machine's own: `TZ` (an IANA name, with or without a leading
    /// `:`), else the link `/etc/localtime` points into the tz database; else UTC. Nil for a name that is no zone.
    public static func zone(named name: String?, environment: [String: String], localtime: String = "/etc/localtime")
        -> TimeZone?
    {
        if let name, !name.isEmpty { return TimeZone(identifier: name) }
        if var tz = environment["TZ"], !tz.isEmpty {
            if tz.hasPrefix(":") { tz.removeFirst() }
            if let zone = TimeZone(identifier: tz) { return zone }
        }
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: localtime),
            let r = target.range(of: "zoneinfo/"), let zone = TimeZone(identifier: String(target[r.upperBound...]))
        {
            return zone
        }
        return TimeZone(identifier: "UTC")
    }
}
