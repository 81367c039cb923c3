import Glibc

/// `systemd:UNIT`: the unit's state read from `systemctl show` with exact properties (run without a shell),
/// judged by `SystemdRules`. A machine without systemd, or a systemctl that cannot answer, is `unknown`.
struct SystemdProbe: Sendable {
    /// The program and its first arguments (tests: `systemctl --user` against a user manager).
    var systemctl: [String]
    /// `KEY=VALUE` lines for systemctl; nil: the agent's own environment.
    var environment: [String]?

    init(systemctl: [String]? = nil, environment: [String]? = nil) {
        self.systemctl = systemctl ?? [Self.installed]
        self.environment = environment
    }

    /// Where Debian and Raspberry Pi OS have it (/bin on systems without the merged /usr).
    static var installed: String {
        ["/usr/bin/systemctl", "/bin/systemctl"].first(where: { access($0, X_OK) == 0 }) ?? "/usr/bin/systemctl"
    }

    func run(unit: String, timeout: Double, activatingLimit: Double) -> CheckRun {
        let argv = systemctl + ["show", "--property=\(SystemdUnit.properties)", "--", unit]
        switch ProgramRunner.run(argv, environment: environment, timeout: timeout) {
        case .cannotStart(let reason): return .unknown("cannot run \(systemctl[0]): \(reason)")
        case .timedOut: return .unknown("systemctl gave no answer within \(CommandProbe.seconds(timeout))")
        case .finished(let status, let output):
            // "System has not been booted with systemd…", "Failed to connect to bus…": no systemd to ask.
            guard status == 0 else {
                let line = ProgramRunner.firstLine(output)
                return .unknown(line.isEmpty ? "systemctl failed (status \(status))" : line)
            }
            guard let state = SystemdUnit.parse(output) else {
                return .unknown("systemctl's answer has no LoadState, ActiveState and SubState")
            }
            return SystemdRules.verdict(state, now: Monotonic.now(), activatingLimit: activatingLimit)
        }
    }
}
