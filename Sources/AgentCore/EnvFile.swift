/// `KEY=VALUE` lines as systemd's EnvironmentFile= reads them (comments, blank lines, quotes around a value).
public enum EnvFile {
    public static func parse(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = String(raw).trimmedWhitespace
            guard !line.hasPrefix("#"), !line.hasPrefix(";"), let eq = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<eq]).trimmedWhitespace
            var value = String(line[line.index(after: eq)...]).trimmedWhitespace
            if value.count >= 2, let q = value.first, q == "\"" || q == "'", value.last == q {
                value = String(value.dropFirst().dropLast())
            }
            if !key.isEmpty { out[key] = value }
        }
        return out
    }
}
