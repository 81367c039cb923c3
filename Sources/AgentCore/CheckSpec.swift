import DowntimeProtocol

/// One configured service check: its name (a device name's rule), what it looks at, and when.
public struct CheckSpec: Sendable, Equatable {
    public var name: String
    public var kind: CheckKind
    public var options: CheckOptions
    /// Seconds between the starts of two runs.
    public var every: Double
    /// Seconds one run may take before it is stopped and counted as failing.
    public var timeout: Double

    public init(name: String, kind: CheckKind, options: CheckOptions = CheckOptions(), interval: Double = 10) {
        self.name = name
        self.kind = kind
        self.options = options
        every = options.every ?? interval
        timeout = options.timeout ?? min(every, CheckOptions.maxTimeout)
    }

    /// The checks of `DOWNTIME_CHECKS`: `;`-separated, blanks ignored, each name once.
    public static func parseList(_ text: String, interval: Double) throws(ConfigError) -> [CheckSpec] {
        try unique(text.split(separator: ";").map(String.init), interval: interval)
    }

    /// Parses each item, and refuses a name given twice.
    static func unique(_ items: [String], interval: Double) throws(ConfigError) -> [CheckSpec] {
        var out: [CheckSpec] = []
        for item in items where !item.trimmedWhitespace.isEmpty {
            let spec = try parse(item, interval: interval)
            if out.contains(where: { $0.name == spec.name }) {
                throw ConfigError("check '\(spec.name)': the name is given twice")
            }
            out.append(spec)
        }
        return out
    }

    /// `NAME=KIND:TARGET [option=value…]`; a value with spaces in double quotes (`contains="Home Assistant"`).
    public static func parse(_ text: String, interval: Double) throws(ConfigError) -> CheckSpec {
        let item = text.trimmedWhitespace
        guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
            throw ConfigError("check '\(item)': must look like NAME=KIND:TARGET [option=value…]")
        }
        let rawName = String(item[..<eq])
        guard let name = DeviceName.normalize(rawName) else {
            throw ConfigError("check '\(rawName)': the name must match \(DeviceName.rule)")
        }
        let parser = CheckParser(name: name)
        let tokens = try parser.tokens(String(item[item.index(after: eq)...]))
        guard let first = tokens.first else { throw parser.error("no KIND:TARGET after '='") }
        let kind = try parser.kind(first)
        let options = try parser.options(Array(tokens.dropFirst()), for: kind)
        return CheckSpec(name: name, kind: kind, options: options, interval: interval)
    }
}
