import DowntimeProtocol

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `downtime-agent maintenance DURATION | --until TIME | --until-back [DURATION] | --end [--reason TEXT]`, read
/// against the device's clock and time zone (pure).
public enum MaintenanceRequest: Sendable, Equatable {
    case start(MaintenanceAnnouncement)
    case end

    /// The latest end of a `--until-back` window given no duration: a reboot that is not back by then is an outage.
    public static let defaultUntilBack: TimeInterval = 3_600

    public static let usage =
        "usage: downtime-agent maintenance (DURATION | --until HH:MM | --until-back [DURATION]) [--reason TEXT]\n"
        + "       downtime-agent maintenance --end\n"
        + "DURATION like 30m, 2h, 1h30m, 1d (at most 7d); --until is today's local time or YYYY-MM-DDTHH:MM;\n"
        + "--until-back ends at the device's first beat after a reboot (at the latest after DURATION, default 1h).\n"
        + "The agent's own options (--collector, --state-dir, --token, ...) and variables apply.\n"

    /// The maintenance words of `arguments` (after `maintenance`), and the rest (the agent's options).
    public static func parse(_ arguments: [String], now: Date, timeZone: TimeZone) throws(ConfigError) -> (
        request: MaintenanceRequest, rest: [String]
    ) {
        var duration: String?
        var until: String?
        var reason: String?
        var untilBack = false
        var end = false
        var rest: [String] = []
        var index = 0
        func value(_ flag: String) throws(ConfigError) -> String {
            guard index < arguments.count else { throw ConfigError("maintenance: \(flag) needs a value") }
            index += 1
            return arguments[index - 1]
        }
        while index < arguments.count {
            let arg = arguments[index]
            index += 1
            switch arg {
            case "--reason": reason = try value(arg)
            case "--until": until = try value(arg)
            case "--until-back": untilBack = true
            case "--end": end = true
            default:
                if arg.hasPrefix("--reason=") {
                    reason = String(arg.dropFirst(9))
                } else if arg.hasPrefix("--until=") {
                    until = String(arg.dropFirst(8))
                } else if arg.hasPrefix("--") || arg == "-h" {
                    rest.append(arg)
                    // An agent option's value goes with it.
                    let name = String(arg.dropFirst(2))
                    if AgentConfig.options.contains(where: { $0.flag == name && $0.takesValue }),
                        index < arguments.count
                    {
                        rest.append(arguments[index])
                        index += 1
                    }
                } else if duration == nil {
                    duration = arg
                } else {
                    throw ConfigError("maintenance: unexpected argument '\(arg)'")
                }
            }
        }
        if end {
            guard duration == nil, until == nil, reason == nil, !untilBack else {
                throw ConfigError("maintenance: --end takes no duration, --until, --until-back or --reason")
            }
            return (.end, rest)
        }
        let announcement = try window(
            duration: duration, until: until, untilBack: untilBack, now: now, timeZone: timeZone)
        return (.start(try withReason(announcement, reason)), rest)
    }

    /// The window the words ask for, from `now`.
    static func window(duration: String?, until: String?, untilBack: Bool, now: Date, timeZone: TimeZone)
        throws(ConfigError) -> MaintenanceAnnouncement
    {
        if duration != nil, until != nil {
            throw ConfigError("maintenance: give a duration or --until, not both")
        }
        let seconds: TimeInterval
        if let duration {
            guard let s = Self.seconds(duration) else {
                throw ConfigError("maintenance: duration '\(duration)' must look like 30m, 2h, 1h30m or 1d")
            }
            seconds = s
        } else if let until {
            guard let at = Self.time(until, now: now, timeZone: timeZone) else {
                throw ConfigError("maintenance: --until '\(until)' must be HH:MM or YYYY-MM-DDTHH:MM (local time)")
            }
            guard at > now else { throw ConfigError("maintenance: --until \(until) is in the past") }
            seconds = at.timeIntervalSince(now)
        } else if untilBack {
            seconds = defaultUntilBack
        } else {
            throw ConfigError("maintenance: give a duration (30m), --until HH:MM, --until-back or --end")
        }
        guard seconds <= MaintenanceAnnouncement.maxLength else {
            throw ConfigError("maintenance: a window lasts at most 7 days")
        }
        return MaintenanceAnnouncement(start: now, end: now + seconds, untilBack: untilBack)
    }

    static func withReason(_ a: MaintenanceAnnouncement, _ reason: String?) throws(ConfigError)
        -> MaintenanceAnnouncement
    {
        guard let reason else { return a }
        let ok =
            !reason.isEmpty && reason.unicodeScalars.count <= MaintenanceAnnouncement.maxReason
            && reason.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F }
        guard ok else {
            throw ConfigError(
                "maintenance: --reason must be 1 to \(MaintenanceAnnouncement.maxReason) printable characters")
        }
        var out = a
        out.reason = reason
        return out
    }

    /// Seconds of `30s`, `30m`, `2h`, `1d` or a sum like `1h30m`; nil when malformed or zero.
    static func seconds(_ text: String) -> TimeInterval? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]
        var total = 0.0
        var digits = ""
        for c in text {
            if c.isASCII, c.isNumber {
                digits.append(c)
            } else if let unit = units[c], let n = Int(digits), digits.count <= 6 {
                total += Double(n) * unit
                digits = ""
            } else {
                return nil
            }
        }
        return digits.isEmpty && total > 0 ? total : nil
    }

    /// `HH:MM` today, or `YYYY-MM-DDTHH:MM` (a space for the T too), in `timeZone`.
    static func time(_ text: String, now: Date, timeZone: TimeZone) -> Date? {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        let parts = text.split(whereSeparator: { $0 == "T" || $0 == " " }).map(String.init)
        var day = cal.dateComponents([.year, .month, .day], from: now)
        guard (1...2).contains(parts.count), let hm = parts.last else { return nil }
        if parts.count == 2 {
            let ymd = parts[0].split(separator: "-").compactMap { Int($0) }
            guard ymd.count == 3, parts[0].count == 10 else { return nil }
            day.year = ymd[0]
            day.month = ymd[1]
            day.day = ymd[2]
        }
        let clock = hm.split(separator: ":")
        guard hm.count == 5, clock.count == 2, let h = Int(clock[0]), let m = Int(clock[1]), (0...23).contains(h),
            (0...59).contains(m)
        else { return nil }
        day.hour = h
        day.minute = m
        guard let date = cal.date(from: day), cal.component(.day, from: date) == day.day else { return nil }
        return date
    }
}
