#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DowntimeProtocol

/// The timing knobs gap detection depends on.
public struct GapPolicy: Sendable, Equatable {
    /// Heartbeat interval, seconds.
    public var interval: Double
    /// How often the state file is written, seconds: the granularity of `last_alive`.
    public var persistInterval: Double
    /// Slack for scheduling and slow disks before a gap counts, seconds.
    public var tolerance: Double
    /// Wall-clock versus monotonic difference that counts as a clock jump, seconds.
    public var jumpThreshold: Double

    public init(interval: Double, persistInterval: Double, tolerance: Double = 2, jumpThreshold: Double = 2) {
        self.interval = interval
        self.persistInterval = persistInterval
        self.tolerance = tolerance
        self.jumpThreshold = jumpThreshold
    }

    /// A same-boot gap longer than this means the agent was not running. `last_alive_uptime` is up
    /// to one persist interval old even after a 1 s restart, so that interval is part of it.
    public var stoppedThreshold: Double { max(interval, persistInterval) + tolerance }

    /// Whether the tick `sinceLastPersist` seconds after the last state write writes again. Ticks wake a
    /// little late by varying amounts; with a strict `>= persistInterval` every other write slipped a
    /// whole tick (70 s instead of 60), so the tick nearest the interval writes.
    public func persistDue(sinceLastPersist: Double) -> Bool {
        sinceLastPersist >= persistInterval - min(interval, persistInterval) / 2
    }
}

/// What the agent concluded at start-up.
public enum StartFinding: Sendable, Equatable {
    case firstRun
    case unreadableState
    /// Same boot, agent restarted within the threshold, or stopped cleanly: nothing to report.
    case agentRestarted
    case agentStopped
    case rebooted(clean: Bool)
}

/// The start-up decision: what happened, the outage to report (if any) and a line for the log.
public struct StartDecision: Sendable, Equatable {
    public var finding: StartFinding
    public var outage: OutageReport?
    public var message: String
    /// The outage event's id, derived from the state it was found in: if the agent dies before its
    /// fresh state is on disk, the next start finds the same outage under the same id, and the
    /// collector stores it once.
    public var outageID: UUID?

    init(finding: StartFinding, outage: OutageReport?, message: String) {
        self.finding = finding
        self.outage = outage
        self.message = message
    }
}

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
            let gap = facts.uptime - state.lastAliveUptime
            if gap < 0 {
                return StartDecision(
                    finding: .unreadableState, outage: unknownOutage(facts, synced: synced),
                    message: "state file says uptime \(state.lastAliveUptime) s, more than now (\(facts.uptime) s) in the same boot: "
                        + "reporting an outage of unknown start")
            }
            if state.cleanShutdownAt != nil {
                return StartDecision(finding: .agentRestarted, outage: nil, message: "agent restarted after a clean stop")
            }
            if gap <= policy.stoppedThreshold {
                return StartDecision(finding: .agentRestarted, outage: nil,
                                     message: "agent restarted after \(seconds(gap)), no reboot")
            }
            // The uptime gap is exact; the wall clock only places it.
            let report = outage(cause: .agentStopped, start: facts.now - gap, end: facts.now, duration: gap,
                                precision: policy.persistInterval, synced: facts.clockSynced, facts: facts)
            return StartDecision(finding: .agentStopped, outage: report,
                                 message: "agent was not running for \(seconds(gap)) (no reboot)")

        case .loaded(let state):
            let clean = state.cleanShutdownAt != nil
            // A clean stop wrote last_alive at SIGTERM: that start is exact to the shutdown's length.
            let start = max(state.lastAlive, state.cleanShutdownAt ?? state.lastAlive)
            let precision = clean ? policy.tolerance : policy.persistInterval
            let report: OutageReport
            if synced {
                let backAt = max(facts.now - facts.uptime, start)
                report = outage(cause: clean ? .cleanReboot : .powerLoss, start: start, end: backAt,
                                duration: backAt.timeIntervalSince(start), precision: precision, synced: true, facts: facts)
            } else {
                // No misdated outage: the collector anchors the end at receipt time − uptime.
                report = outage(cause: clean ? .cleanReboot : .powerLoss, start: start, end: nil, duration: nil,
                                precision: precision, synced: false, facts: facts)
            }
            let what = clean ? "clean reboot" : "power loss or crash"
            let length = report.durationS.map { " of " + seconds($0) } ?? " (clock not synced yet: the collector dates its end)"
            return StartDecision(finding: .rebooted(clean: clean), outage: report,
                                 message: "device rebooted (\(what))\(length), down since \(WireTime.format(start))")
        }
    }

    /// Checks between two ticks of the running agent: a suspend (CLOCK_BOOTTIME ran ahead of
    /// CLOCK_MONOTONIC) is an outage; a wall clock moving differently from CLOCK_BOOTTIME is a jump.
    public static func whileRunning(previous p: BootSnapshot, current c: BootSnapshot, policy: GapPolicy) -> [Event.Payload] {
        var found: [Event.Payload] = []
        let running = c.monotonic - p.monotonic
        let elapsed = c.uptime - p.uptime
        let suspended = elapsed - running
        if suspended > policy.tolerance {
            // The sleep happened somewhere in the tick: start is known to within the running time.
            let report = outage(cause: .suspend, start: p.now, end: p.now + suspended, duration: suspended,
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
        OutageReport(cause: .unknown, start: nil, end: synced ? facts.now - facts.uptime : nil, durationS: nil,
                     precisionS: 0, clockSynced: synced, uptimeS: synced ? nil : rounded(facts.uptime))
    }

    /// An outage whose times are checked: a start the collector would refuse (before 2020) makes it
    /// `unknown`; an end it would refuse is left out and the uptime given instead.
    static func outage(cause: OutageCause, start: Date, end: Date?, duration: Double?, precision: Double,
                       synced: Bool, facts: BootSnapshot) -> OutageReport {
        let plausible = WireTime.validRange
        let end = end.flatMap { plausible.contains($0) ? $0 : nil }
        let startOK = plausible.contains(start)
        return OutageReport(
            cause: startOK ? cause : .unknown, start: startOK ? start : nil, end: end,
            durationS: startOK ? duration.map(rounded) : nil, precisionS: rounded(precision),
            clockSynced: synced && end != nil, uptimeS: end == nil ? rounded(facts.uptime) : nil)
    }

    static func rounded(_ v: Double) -> Double { (max(v, 0) * 1000).rounded() / 1000 }

    static func seconds(_ v: Double) -> String {
        let wholeSeconds = Int(v.rounded())
        if wholeSeconds < 120 { return "\(wholeSeconds) s" }
        if wholeSeconds < 7200 { return "\(wholeSeconds / 60) min \(wholeSeconds % 60) s" }
        return "\(wholeSeconds / 3600) h \(wholeSeconds / 60 % 60) min"
    }
}

/// Name-based event ids: the same finding always gets the same UUID (version 8, FNV-1a based;
/// unique enough for idempotency, not meant to be secret).
public enum DerivedID {
    public static func uuid(_ name: String) -> UUID {
        func fnv(_ seed: UInt64) -> UInt64 {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ seed
            for byte in name.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
            return hash
        }
        let hi = fnv(0x6477_6d2d_6964_0001), lo = fnv(0x6477_6d2d_6964_0002)
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            bytes[i] = UInt8(truncatingIfNeeded: hi >> (56 - 8 * UInt64(i)))
            bytes[8 + i] = UInt8(truncatingIfNeeded: lo >> (56 - 8 * UInt64(i)))
        }
        bytes[6] = (bytes[6] & 0x0f) | 0x80  // version 8
        bytes[8] = (bytes[8] & 0x3f) | 0x80  // RFC 4122 variant
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
