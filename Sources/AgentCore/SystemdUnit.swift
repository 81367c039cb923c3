/// A unit's state as `systemctl show` prints it (`KEY=VALUE` lines), the properties a `systemd` check reads.
public struct SystemdUnit: Sendable, Equatable {
    /// systemd's ActiveState values (systemd 252; `maintenance` and `refreshing` are newer, read alike).
    public enum Active: String, Sendable {
        case active, reloading, inactive, failed, activating, deactivating, maintenance, refreshing
    }

    /// `loaded`, `not-found`, `masked`, `error`, `bad-setting`…
    public var load: String
    public var active: Active
    /// `running`, `exited`, `dead`, `start-pre`, `auto-restart`… (depends on the unit's type).
    public var sub: String
    /// `success`, `exit-code`, `signal`, `timeout`, `core-dump`…
    public var result: String
    /// When ActiveState last changed, CLOCK_MONOTONIC seconds; nil when systemd never recorded it (0).
    public var changedAt: Double?

    public init(load: String, active: Active, sub: String, result: String = "success", changedAt: Double? = nil) {
        self.load = load
        self.active = active
        self.sub = sub
        self.result = result
        self.changedAt = changedAt
    }

    /// The properties asked of `systemctl show --property=`.
    static let properties = "LoadState,ActiveState,SubState,Result,StateChangeTimestampMonotonic"

    /// Reads `systemctl show`'s lines in any order, other properties ignored; nil without LoadState,
    /// a known ActiveState and SubState.
    public static func parse(_ text: String) -> SystemdUnit? {
        var values: [Substring: Substring] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            guard let eq = line.firstIndex(of: "=") else { continue }
            values[line[..<eq]] = line[line.index(after: eq)...]
        }
        guard let load = values["LoadState"], let activeText = values["ActiveState"],
            let active = Active(rawValue: String(activeText)), let sub = values["SubState"]
        else { return nil }
        // Microseconds of CLOCK_MONOTONIC; 0 is systemd's "never".
        let micros = values["StateChangeTimestampMonotonic"].flatMap { UInt64($0) } ?? 0
        return SystemdUnit(
            load: String(load), active: active, sub: String(sub), result: String(values["Result"] ?? "success"),
            changedAt: micros == 0 ? nil : Double(micros) / 1_000_000)
    }
}
