import Foundation

/// When a channel's digest is due (`digest=daily@08:00`, `digest=weekly@mon08:00`; docs/DESIGN.md "Digests"). Pure:
/// the slots are local times in a zone (a daily digest at 08:00 stays at 08:00 local across a DST change), and
/// what is due follows from the last slot sent (stored) and an injected `now`.
public struct DigestSchedule: Sendable, Equatable {
    public enum Every: String, Sendable {
        case daily, weekly
    }

    public var every: Every
    /// 0 = Monday ... 6 = Sunday (weekly only).
    public var weekday: Int
    public var hour: Int
    public var minute: Int

    public static let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    public init(every: Every, weekday: Int = 0, hour: Int, minute: Int) {
        self.every = every
        self.weekday = weekday
        self.hour = hour
        self.minute = minute
    }

    /// Reads `daily@HH:MM` or `weekly@dddHH:MM` (`ddd` one of mon..sun); nil for anything else.
    public static func parse(_ text: String) -> DigestSchedule? {
        let parts = text.lowercased().split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let every = Every(rawValue: String(parts[0])) else { return nil }
        var time = Substring(parts[1])
        var weekday = 0
        if every == .weekly {
            guard let day = weekdays.firstIndex(of: String(time.prefix(3))) else { return nil }
            weekday = day
            time = time.dropFirst(3)
        }
        let hm = time.split(separator: ":", omittingEmptySubsequences: false)
        guard hm.count == 2, hm[0].count == 2, hm[1].count == 2, let h = Int(hm[0]), let m = Int(hm[1]),
            (0..<24).contains(h), (0..<60).contains(m)
        else { return nil }
        return DigestSchedule(every: every, weekday: weekday, hour: h, minute: m)
    }

    /// The option as written back: "daily@08:00", "weekly@mon08:00".
    public var text: String {
        let day = every == .weekly ? Self.weekdays[weekday] : ""
        return "\(every.rawValue)@\(day)" + String(format: "%02d:%02d", hour, minute)
    }

    /// The period a digest covers, in seconds (nominal: a DST day is 23 or 25 hours, the slots say which).
    public var nominalPeriod: TimeInterval { every == .daily ? 86_400 : 7 * 86_400 }

    /// What a tick does about one channel's digest.
    public enum Decision: Sendable, Equatable {
        /// Nothing stored yet (a new channel or store): record `slot`, the last one at or before now, as the start,
        /// and send nothing for the time before the collector knew of the digest.
        case baseline(slot: Date)
        /// Send the digest of `period` (its end is the slot), then record the slot as sent. Several slots missed
        /// while no collector ran are one digest, the last one's (never a burst).
        case send(period: DateInterval)
        /// The slot recorded lies ahead of `now` (sent on a clock that ran ahead): record `slot`, the latest at or
        /// before now, in its place; nothing is sent.
        case rewind(slot: Date)
        /// Nothing due before `next`.
        case wait(next: Date)
    }

    /// What is due at `now` given the slot of the last digest sent (nil when none was ever recorded). A slot sent that
    /// lies after `now` was sent while the collector's clock ran ahead (a step forward, then back): the record goes
    /// back to the latest slot before now, so that the real slot still gets its digest instead of being taken as sent.
    public func decide(lastSent: Date?, now: Date, zone: TimeZone) -> Decision {
        let latest = slot(atOrBefore: now, zone: zone)
        guard let lastSent else { return .baseline(slot: latest) }
        if lastSent > now { return .rewind(slot: latest) }
        if latest > lastSent {
            return .send(period: DateInterval(start: slot(atOrBefore: latest - 1, zone: zone), end: latest))
        }
        return .wait(next: slot(after: now, zone: zone))
    }

    /// The period of a digest asked for at `now` (`notify digest NAME`): the day or week up to now.
    public func period(endingAt now: Date) -> DateInterval {
        DateInterval(start: now - nominalPeriod, end: now)
    }

    /// The latest slot at or before `date`.
    public func slot(atOrBefore date: Date, zone: TimeZone) -> Date {
        var day = Self.localDay(date, zone: zone)
        if every == .weekly { day -= Self.mod(Self.weekday(ofDay: day) - weekday, 7) }
        let step = every == .daily ? 1 : 7
        var s = slot(onDay: day, zone: zone)
        while s > date {
            day -= step
            s = slot(onDay: day, zone: zone)
        }
        return s
    }

    /// The first slot after `date`.
    public func slot(after date: Date, zone: TimeZone) -> Date {
        var day = Self.localDay(date, zone: zone)
        if every == .weekly { day += Self.mod(weekday - Self.weekday(ofDay: day), 7) }
        let step = every == .daily ? 1 : 7
        var s = slot(onDay: day, zone: zone)
        while s <= date {
            day += step
            s = slot(onDay: day, zone: zone)
        }
        return s
    }

    /// The instant of the slot's local time on a local day (days since 1970-01-01). A time the zone skips (spring
    /// forward) is moved on by the gap (02:30 becomes 03:30); a time it repeats (fall back) is its first.
    func slot(onDay day: Int, zone: TimeZone) -> Date {
        let wall = Double(day) * 86_400 + Double(hour * 3600 + minute * 60)
        let before = Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: wall - 86_400)))
        let after = Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: wall + 86_400)))
        let candidates = [wall - before, wall - after].map { Date(timeIntervalSince1970: $0) }
        let exact = candidates.filter { Self.wallSeconds($0, zone: zone) == wall }
        return exact.min() ?? Date(timeIntervalSince1970: wall - before)
    }

    /// Seconds since 1970-01-01 00:00 of the local wall time at `date` (the zone's offset added).
    static func wallSeconds(_ date: Date, zone: TimeZone) -> Double {
        date.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: date))
    }

    /// The local day of `date`, as days since 1970-01-01.
    static func localDay(_ date: Date, zone: TimeZone) -> Int {
        Int((wallSeconds(date, zone: zone) / 86_400).rounded(.down))
    }

    /// 0 = Monday: 1970-01-01 was a Thursday.
    static func weekday(ofDay day: Int) -> Int { mod(day + 3, 7) }

    static func mod(_ a: Int, _ n: Int) -> Int { ((a % n) + n) % n }
}
