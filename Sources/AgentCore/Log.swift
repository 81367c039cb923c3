import Glibc

/// Log lines on stderr with sd-daemon priority prefixes (`<3>` error ... `<7>` debug): journald
/// files them under the right priority, and a terminal still reads them.
public struct Log: Sendable {
    public enum Level: Int32, Sendable, Comparable {
        case error = 3
        case warning = 4
        case notice = 5
        case info = 6
        case debug = 7
        public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    }

    /// Lines above this level are dropped.
    public var maxLevel: Level
    /// Where lines go; stderr unless a test collects them.
    public var sink: @Sendable (String) -> Void

    public init(maxLevel: Level = .info, sink: @escaping @Sendable (String) -> Void = Log.stderr) {
        self.maxLevel = maxLevel
        self.sink = sink
    }

    public func error(_ message: String) { emit(.error, message) }
    public func warning(_ message: String) { emit(.warning, message) }
    public func notice(_ message: String) { emit(.notice, message) }
    public func info(_ message: String) { emit(.info, message) }
    public func debug(_ message: String) { emit(.debug, message) }

    func emit(_ level: Level, _ message: String) {
        guard level <= maxLevel else { return }
        // One event, one line: a newline inside a message would split it in the journal.
        let flat = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        sink("<\(level.rawValue)>\(flat)")
    }

    public static let stderr: @Sendable (String) -> Void = { line in
        let text = line + "\n"
        _ = text.withCString { Glibc.write(2, $0, strlen($0)) }
    }

    /// Discards everything.
    public static let silent = Log(maxLevel: .error, sink: { _ in })
}
