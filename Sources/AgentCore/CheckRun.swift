import DowntimeProtocol

/// What one run of a check found: ok, failing, or unknown (it could not run), with its detail in words.
public struct CheckRun: Sendable, Equatable {
    public var state: CheckState
    public var detail: String

    public init(_ state: CheckState, _ detail: String) {
        self.state = state
        // One line, bounded: a script's output or a server's error text goes on the wire and on pages.
        let line = detail.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        self.detail = String(
            line.trimmedWhitespace.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }
                .prefix(Self.maxDetail).map(Character.init))
    }

    public static func ok(_ detail: String) -> CheckRun { CheckRun(.ok, detail) }
    public static func failing(_ detail: String) -> CheckRun { CheckRun(.failing, detail) }
    public static func unknown(_ detail: String) -> CheckRun { CheckRun(.unknown, detail) }

    public static let maxDetail = 200
}
