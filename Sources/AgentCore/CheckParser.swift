import DowntimeProtocol

/// Reads the parts of one check's text; every refusal names the check and what is wrong, in one line.
struct CheckParser {
    let name: String

    func error(_ problem: String) -> ConfigError { ConfigError("check '\(name)': \(problem)") }

    /// Splits on blanks; a double-quoted run keeps its blanks (the quotes are dropped).
    func tokens(_ text: String) throws(ConfigError) -> [String] {
        var out: [String] = []
        var current = ""
        var quoted = false
        var started = false
        for c in text {
            if c == "\"" {
                quoted.toggle()
                started = true
            } else if !quoted, c == " " || c == "\t" {
                if started { out.append(current) }
                current = ""
                started = false
            } else {
                current.append(c)
                started = true
            }
        }
        guard !quoted else { throw error("a double quote is not closed") }
        if started { out.append(current) }
        return out
    }

    // MARK: - Kind and target

    func kind(_ token: String) throws(ConfigError) -> CheckKind {
        guard let colon = token.firstIndex(of: ":") else {
            throw error("'\(token)' must be KIND:TARGET (kinds: \(CheckKind.words.joined(separator: ", ")))")
        }
        let word = String(token[..<colon])
        let target = String(token[token.index(after: colon)...])
        guard CheckKind.words.contains(word) else {
            throw error("unknown kind '\(word)' (kinds: \(CheckKind.words.joined(separator: ", ")))")
        }
        guard !target.isEmpty else { throw error("\(word) needs a target after '\(word):'") }
        switch word {
        case "systemd": return .systemd(unit: try unit(target))
        case "tcp": return try tcp(target)
        case "http": return .http(url: try url(target))
        case "container": return .container(name: try container(target))
        case "disk": return try disk(target)
        case "temp": return .temp(maxCelsius: try temperature(target))
        default: return .command(path: try absolute(target, "command"))
        }
    }

    /// A unit name as systemd allows it; never starting with '-' (it goes to systemctl as an argument).
    private func unit(_ text: String) throws(ConfigError) -> String {
        let allowed = text.unicodeScalars.allSatisfy {
            ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0)
                || ":_.@-\\".unicodeScalars.contains($0)
        }
        guard allowed, !text.hasPrefix("-"), text.count <= 256 else {
            throw error("systemd unit '\(text)' is not a unit name (letters, digits, ':', '_', '.', '@', '-', '\\')")
        }
        return text
    }

    /// `HOST:PORT`, `[v6]:PORT` for an IPv6 address.
    private func tcp(_ text: String) throws(ConfigError) -> CheckKind {
        guard let colon = text.lastIndex(of: ":") else { throw error("tcp target '\(text)' must be HOST:PORT") }
        var host = String(text[..<colon])
        let portText = String(text[text.index(after: colon)...])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let port = Int(portText), (1...65_535).contains(port) else {
            throw error("tcp port '\(portText)' must be a number from 1 to 65535")
        }
        guard !host.isEmpty, host.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw error("tcp target '\(text)' must be HOST:PORT")
        }
        return .tcp(host: host, port: port)
    }

    private func url(_ text: String) throws(ConfigError) -> String {
        let lower = text.lowercased()
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), parts.count >= 3, !parts[2].isEmpty,
            text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else { throw error("http target '\(text)' must be a URL like http://host:port/path") }
        return text
    }

    /// Docker's rule for a container's name (or an id).
    private func container(_ text: String) throws(ConfigError) -> String {
        let ok =
            text.count <= 128
            && text.unicodeScalars.enumerated().allSatisfy { i, c in
                let alnum = c.properties.isAlphabetic && c.isASCII || ("0"..."9").contains(c)
                return alnum || (i > 0 && "_.-".unicodeScalars.contains(c))
            }
        guard ok else { throw error("container name '\(text)' must match [a-zA-Z0-9][a-zA-Z0-9_.-]*") }
        return text
    }

    /// `PATH:90%`.
    private func disk(_ text: String) throws(ConfigError) -> CheckKind {
        guard let colon = text.lastIndex(of: ":") else { throw error("disk target '\(text)' must be PATH:90%") }
        let path = try absolute(String(text[..<colon]), "disk")
        let limit = String(text[text.index(after: colon)...])
        guard limit.hasSuffix("%"), let percent = Int(limit.dropLast()), (1...100).contains(percent) else {
            throw error("disk limit '\(limit)' must be a percentage from 1% to 100%")
        }
        return .disk(path: path, maxPercent: percent)
    }

    private func temperature(_ text: String) throws(ConfigError) -> Double {
        let number = text.hasSuffix("C") ? String(text.dropLast()) : text
        guard let celsius = Double(number), celsius.isFinite, DeviceHealth.tempRange.contains(celsius) else {
            throw error("temp limit '\(text)' must be degrees Celsius from -60 to 200")
        }
        return celsius
    }

    private func absolute(_ path: String, _ word: String) throws(ConfigError) -> String {
        guard path.hasPrefix("/"), !path.utf8.contains(0) else {
            throw error("\(word) path '\(path)' must be absolute (start with /)")
        }
        return path
    }

    // MARK: - Options

    func options(_ tokens: [String], for kind: CheckKind) throws(ConfigError) -> CheckOptions {
        var options = CheckOptions()
        var seen: Set<String> = []
        for token in tokens {
            guard let eq = token.firstIndex(of: "="), eq != token.startIndex else {
                throw error("option '\(token)' must be option=value")
            }
            let key = String(token[..<eq])
            let value = String(token[token.index(after: eq)...])
            guard seen.insert(key).inserted else { throw error("option \(key) is given twice") }
            try set(key, value, on: &options, kind: kind)
        }
        return options
    }

    private func set(_ key: String, _ value: String, on options: inout CheckOptions, kind: CheckKind)
        throws(ConfigError)
    {
        switch key {
        case "every": options.every = try duration(key, value, range: 0.1...86_400)
        case "timeout":
            guard kind.takesTimeout else { throw error("option timeout does not apply to \(kind.word)") }
            options.timeout = try duration(key, value, range: 0.1...3_600)
        case "fails": options.fails = try whole(key, value, range: 1...100)
        case "notify":
            guard value == "yes" || value == "no" else {
                throw error("option notify must be yes or no, not '\(value)'")
            }
            options.notify = value == "yes"
        case "status":
            try only(key, .http, kind)
            options.status = try whole(key, value, range: 100...599)
        case "contains":
            try only(key, .http, kind)
            guard !value.isEmpty else { throw error("option contains needs a text") }
            options.contains = value
        case "socket":
            try only(key, .container, kind)
            options.socket = try absolute(value, "socket")
        case "activating":
            try only(key, .systemd, kind)
            options.activating = try duration(key, value, range: 1...86_400)
        default:
            throw error(
                "unknown option '\(key)' (options: every, timeout, fails, notify, status, contains, socket, activating)"
            )
        }
    }

    private enum Word { case http, container, systemd }

    private func only(_ key: String, _ word: Word, _ kind: CheckKind) throws(ConfigError) {
        let fits =
            switch (word, kind) {
            case (.http, .http), (.container, .container), (.systemd, .systemd): true
            default: false
            }
        guard fits else { throw error("option \(key) does not apply to \(kind.word)") }
    }

    private func whole(_ key: String, _ value: String, range: ClosedRange<Int>) throws(ConfigError) -> Int {
        guard let n = Int(value), range.contains(n) else {
            throw error("option \(key) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return n
    }

    /// `500ms`, `5s`, `2m`, `1h`, or a bare number of seconds.
    private func duration(_ key: String, _ value: String, range: ClosedRange<Double>) throws(ConfigError) -> Double {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3_600)]
        var number = value
        var scale = 1.0
        if let (suffix, factor) = units.first(where: { value.hasSuffix($0.0) }) {
            number = String(value.dropLast(suffix.count))
            scale = factor
        }
        // Milliseconds divided, not multiplied by 0.001: 700ms is exactly 0.7 s.
        let seconds = Double(number).map { scale < 1 ? $0 / 1000 : $0 * scale }
        guard let n = seconds, n.isFinite, range.contains(n) else {
            throw error(
                "option \(key) '\(value)' must be a duration like 30s, 2m or 500ms, "
                    + "from \(Self.words(range.lowerBound)) to \(Self.words(range.upperBound))")
        }
        return n
    }

    private static func words(_ seconds: Double) -> String {
        seconds < 1 ? "\(Int(seconds * 1000))ms" : "\(Int(seconds))s"
    }
}
