/// What a `systemd` check makes of a unit's state: a pure function of the state, the monotonic clock and
/// the limit on starting.
public enum SystemdRules {
    /// - Parameters:
    ///   - now: CLOCK_MONOTONIC seconds (systemd dates state changes on the same clock).
    ///   - activatingLimit: seconds a unit may be activating (or deactivating) before that is failing.
    public static func verdict(_ unit: SystemdUnit, now: Double, activatingLimit: Double) -> CheckRun {
        let state = "\(unit.active.rawValue) (\(unit.sub))"
        let result = unit.result == "success" ? "" : ", result \(unit.result)"
        switch unit.load {
        case "loaded": break
        case "not-found": return .failing("unit not found")
        // masked, error, bad-setting: the unit cannot start; its state says whether it still runs.
        default: if unit.active != .active { return .failing("unit \(unit.load), \(state)") }
        }
        switch unit.active {
        case .active, .reloading, .refreshing: return .ok(state)
        case .failed: return .failing("failed (\(unit.result))")
        case .inactive: return .failing(state + result)
        case .maintenance: return .failing(state)
        case .activating where unit.sub == "auto-restart":
            // Between the restarts of a crashing service: its Result says why it went down.
            return .failing("restarting after a failure (\(unit.result))")
        case .activating, .deactivating:
            guard let since = unit.changedAt else { return .ok(state) }
            let elapsed = max(0, now - since)
            let text = "\(state) for \(Self.seconds(elapsed))"
            return elapsed > activatingLimit ? .failing(text + " (limit \(Self.seconds(activatingLimit)))") : .ok(text)
        }
    }

    static func seconds(_ value: Double) -> String { "\(Int(value.rounded(.down))) s" }
}
