import DowntimeProtocol

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Pure gap detection (docs/DESIGN.md): previous state + facts now → findings. No I/O, no clock.
public enum GapDetector {
    public static func onStart(previous: StateLoad, facts: BootSnapshot, policy: GapPolicy) -> StartDecision {
        var decision = decide(previous: previous, facts: facts, policy: policy)
        if decision.outage != nil {
            switch previous {
            case .missing:
                break
            case .unreadable(let reason):
                decision.outageID = DerivedID.uuid("unreadable-state|\(facts.bootID)|\(reason)")
            case .loaded(let saved):
                decision.outageID = DerivedID.uuid(
                    "outage|\(saved.bootID)|\(saved.lastAliveUptime)|\(WireTime.format(saved.lastAlive))|"
                        + "\(facts.bootID)")
            }
        }
        return decision
    }

    static func decide(previous: StateLoad, facts: BootSnapshot, policy: GapPolicy) -> StartDecision {
        let synced = facts.clockSynced && WireTime.validRange.contains(facts.now)
        switch previous {
        case .missing:
            return StartDecision(finding: .firstRun, outage: nil, message: "first run: no state file yet")

        case .unreadable(let reason):
            return StartDecision(
                finding: .unreadableState, outage: unknownOutage(facts, synced: synced),
                message: "state file unreadable (\(reason)), probably a power cut while it was written: "
                    + "reporting an outage of unknown start and starting a fresh state")

        case .loaded(let state) where state.bootID == facts.bootID:
            return sameBoot(state, facts: facts, policy: policy, synced: synced)

        case .loaded(let state):
            return rebooted(state, facts: facts, policy: policy, synced: synced)
        }
    }

    /// The device did not reboot: the agent itself was stopped, or restarted.
    static func sameBoot(_ state: AgentState, facts: BootSnapshot, policy: GapPolicy, synced: Bool) -> StartDecision {
        let gap = facts.uptime - state.lastAliveUptime
        if gap < 0 {
            return StartDecision(
                finding: .unreadableState, outage: unknownOutage(facts, synced: synced),
                message:
                    "state file says uptime \(state.lastAliveUptime) s, more than now (\(facts.uptime) s) in the same boot: "
                    + "reporting an outage of unknown start")
        }
        if state.cleanShutdownAt != nil {
            return StartDecision(
                finding: .agentRestarted, outage: nil, message: "agent restarted after a clean stop")
        }
        if gap <= policy.stoppedThreshold {
            return StartDecision(
                finding: .agentRestarted, outage: nil,
                message: "agent restarted after \(seconds(gap)), no reboot")
        }
        // The uptime gap is exact; the wall clock only places it.
        let report = outage(
            cause: .agentStopped, start: facts.now - gap, end: facts.now, duration: gap,
            precision: policy.persistInterval, synced: facts.clockSynced, facts: facts)
        return StartDecision(
            finding: .agentStopped, outage: report,
            message: "agent was not running for \(seconds(gap)) (no reboot)")
    }

    /// A new boot: the outage is from the last-alive time to the boot.
    static func rebooted(_ state: AgentState, facts: BootSnapshot, policy: GapPolicy, synced: Bool) -> StartDecision {
        let clean = state.cleanShutdownAt != nil
        // A clean stop wrote last_alive at SIGTERM: that start is exact to the shutdown's length.
        let start = max(state.lastAlive, state.cleanShutdownAt ?? state.lastAlive)
        let precision = clean ? policy.tolerance : policy.persistInterval
        let report: OutageReport
        if synced {
            let backAt = max(facts.now - facts.uptime, start)
            report = outage(
                cause: clean ? .cleanReboot : .powerLoss, start: start, end: backAt,
                duration: backAt.timeIntervalSince(start), precision: precision, synced: true, facts: facts)
        } else {
            // No misdated outage: the collector anchors the end at receipt time − uptime.
            report = outage(
                cause: clean ? .cleanReboot : .powerLoss, start: start, end: nil, duration: nil,
                precision: precision, synced: false, facts: facts)
        }
        let what = clean ? "clean reboot" : "power loss or crash"
        let length =
            report.durationS.map { " of " + seconds($0) } ?? " (clock not synced yet: the collector dates its end)"
        return StartDecision(
            finding: .rebooted(clean: clean), outage: report,
            message: "device rebooted (\(what))\(length), down since \(WireTime.format(start))")
    }

    /// Checks between two ticks of the running agent: a suspend (CLOCK_BOOTTIME ran ahead of
    /// CLOCK_MONOTONIC) is an outage; a wall clock moving differently from CLOCK_BOOTTIME is a jump.
    public static func whileRunning(previous p: BootSnapshot, current c: BootSnapshot, policy: GapPolicy) -> [Event
        .Payload]
    {
        var found: [Event.Payload] = []
        let running = c.monotonic - p.monotonic
        let elapsed = c.uptime - p.uptime
        let suspended = elapsed - running
        if suspended > policy.tolerance {
            // The sleep happened somewhere in the tick: start is known to within the running time.
            let report = outage(
                cause: .suspend, start: p.now, end: p.now + suspended, duration: suspended,
                precision: max(running, 0), synced: c.clockSynced, facts: c)
            found.append(.outage(report))
        }
        let jump = c.now.timeIntervalSince(p.now) - elapsed
        if abs(jump) > policy.jumpThreshold {
            found.append(.clockJump(deltaS: (jump * 1000).rounded() / 1000))
        }
        return found
    }

    /// Cause unknown, no start: all that is known is the device is up since boot.
    static func unknownOutage(_ facts: BootSnapshot, synced: Bool) -> OutageReport {
        OutageReport(
            cause: .unknown, start: nil, end: synced ? facts.now - facts.uptime : nil, durationS: nil,
            precisionS: 0, clockSynced: synced, uptimeS: synced ? nil : rounded(facts.uptime))
    }

    /// An outage whose times are checked: a start the collector would refuse (before 2020) makes it
    /// `unknown`; an end it would refuse is left out and the uptime given instead.
    static func outage(
        cause: OutageCause, start: Date, end: Date?, duration: Double?, precision: Double,
        synced: Bool, facts: BootSnapshot
    ) -> OutageReport {
        let plausible = WireTime.validRange
        let end = end.flatMap { plausible.contains($0) ? $0 : nil }
        let startOK = plausible.contains(start)
        return OutageReport(
            cause: startOK ? cause : .unknown, start: startOK ? start : nil, end: end,
            durationS: startOK ? duration.map(rounded) : nil, precisionS: rounded(precision),
            clockSynced: synced && end != nil, uptimeS: end == nil ? rounded(facts.uptime) : nil)
    }

    static func rounded(_ v: Double) -> Double { OutageReport.roundedSeconds(v) }

    static func seconds(_ v: Double) -> String {
        let wholeSeconds = Int(v.rounded())
        if wholeSeconds < 120 { return "\(wholeSeconds) s" }
        if wholeSeconds < 7200 { return "\(wholeSeconds / 60) min \(wholeSeconds % 60) s" }
        return "\(wholeSeconds / 3600) h \(wholeSeconds / 60 % 60) min"
    }
}
