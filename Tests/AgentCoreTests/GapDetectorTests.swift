import DowntimeProtocol
import Foundation
import Testing

@testable import AgentCore

private let bootA = "aaaaaaaa-0000-4000-8000-000000000001"
private let bootB = "bbbbbbbb-0000-4000-8000-000000000002"
private let t0 = Date(timeIntervalSince1970: 1_795_335_123) // 2026-11-22T08:12:03Z
private let policy = GapPolicy(interval: 10, persistInterval: 60)

private func facts(boot: String = bootB, now: Date = t0, uptime: Double = 1000, mono: Double = 900, synced: Bool = true)
    -> BootSnapshot
{
    BootSnapshot(bootID: boot, now: now, uptime: uptime, monotonic: mono, clockSynced: synced)
}

private func state(
    boot: String = bootA, lastAlive: Date = t0 - 3600, uptime: Double = 5000, synced: Bool = true,
    clean: Date? = nil
) -> StateLoad {
    .loaded(
        AgentState(
            bootID: boot, lastAlive: lastAlive, lastAliveUptime: uptime, clockSynced: synced, cleanShutdownAt: clean))
}

/// One start-up case and what must come out of it.
struct StartCase: CustomTestStringConvertible, Sendable {
    var name: String
    var previous: StateLoad
    var facts: BootSnapshot
    var finding: StartFinding
    var outage: OutageReport?
    var testDescription: String { name }
}

@Suite struct GapDetectorStartTests {
    static let cases: [StartCase] = [
        StartCase(
            name: "no state file: first run, nothing to report", previous: .missing, facts: facts(),
            finding: .firstRun, outage: nil),
        StartCase(
            name: "empty state file: unknown outage, no start, end at boot",
            previous: .unreadable(reason: "the file is empty"),
            facts: facts(), finding: .unreadableState,
            outage: OutageReport(
                cause: .unknown, start: nil, end: t0 - 1000, durationS: nil, precisionS: 0, clockSynced: true)),
        StartCase(
            name: "garbage state file, clock unsynced: unknown outage dated by uptime",
            previous: .unreadable(reason: "not valid JSON"), facts: facts(synced: false), finding: .unreadableState,
            outage: OutageReport(
                cause: .unknown, start: nil, end: nil, durationS: nil, precisionS: 0, clockSynced: false, uptimeS: 1000)
        ),
        StartCase(
            name: "same boot, restarted within a persist interval: nothing",
            previous: state(boot: bootB, uptime: 1000 - 45), facts: facts(), finding: .agentRestarted, outage: nil),
        StartCase(
            name: "same boot, gap exactly at the threshold: nothing",
            previous: state(boot: bootB, uptime: 1000 - 62), facts: facts(), finding: .agentRestarted, outage: nil),
        StartCase(
            name: "same boot, gap over threshold: agent_stopped measured on the boot clock",
            previous: state(boot: bootB, lastAlive: t0 - 9999, uptime: 700), facts: facts(), finding: .agentStopped,
            outage: OutageReport(
                cause: .agentStopped, start: t0 - 300, end: t0, durationS: 300, precisionS: 60, clockSynced: true)),
        StartCase(
            name: "same boot, long gap after a clean stop: nothing",
            previous: state(boot: bootB, uptime: 700, clean: t0 - 300), facts: facts(), finding: .agentRestarted,
            outage: nil),
        StartCase(
            name: "same boot, uptime went backwards: unknown outage",
            previous: state(boot: bootB, uptime: 2000), facts: facts(), finding: .unreadableState,
            outage: OutageReport(
                cause: .unknown, start: nil, end: t0 - 1000, durationS: nil, precisionS: 0, clockSynced: true)),
        StartCase(
            name: "new boot, no clean mark: power loss from last_alive to boot time",
            previous: state(lastAlive: t0 - 3600), facts: facts(), finding: .rebooted(clean: false),
            outage: OutageReport(
                cause: .powerLoss, start: t0 - 3600, end: t0 - 1000, durationS: 2600, precisionS: 60, clockSynced: true)
        ),
        StartCase(
            name: "new boot after a clean shutdown: clean reboot from the shutdown",
            previous: state(lastAlive: t0 - 1100, clean: t0 - 1060), facts: facts(), finding: .rebooted(clean: true),
            outage: OutageReport(
                cause: .cleanReboot, start: t0 - 1060, end: t0 - 1000, durationS: 60, precisionS: 2, clockSynced: true)),
        StartCase(
            name: "new boot, clock not synced: no end, uptime for the collector to anchor",
            previous: state(lastAlive: t0 - 3600), facts: facts(now: t0 - 7200, synced: false),
            finding: .rebooted(clean: false),
            outage: OutageReport(
                cause: .powerLoss, start: t0 - 3600, end: nil, durationS: nil, precisionS: 60, clockSynced: false,
                uptimeS: 1000)),
        StartCase(
            name: "new boot, clean, clock not synced: clean reboot without end",
            previous: state(lastAlive: t0 - 3600, clean: t0 - 3600), facts: facts(synced: false),
            finding: .rebooted(clean: true),
            outage: OutageReport(
                cause: .cleanReboot, start: t0 - 3600, end: nil, durationS: nil, precisionS: 2, clockSynced: false,
                uptimeS: 1000)),
        StartCase(
            name: "new boot, last_alive later than boot time (old clock ahead): zero length, never end < start",
            previous: state(lastAlive: t0 - 10), facts: facts(), finding: .rebooted(clean: false),
            outage: OutageReport(
                cause: .powerLoss, start: t0 - 10, end: t0 - 10, durationS: 0, precisionS: 60, clockSynced: true)),
        StartCase(
            name: "new boot, last_alive from a 1970 clock: unknown cause, no start",
            previous: state(lastAlive: Date(timeIntervalSince1970: 5000)), facts: facts(),
            finding: .rebooted(clean: false),
            outage: OutageReport(
                cause: .unknown, start: nil, end: t0 - 1000, durationS: nil, precisionS: 60, clockSynced: true)),
        StartCase(
            name: "new boot, kernel says synced but wall clock is 1970: treated as unsynced",
            previous: state(lastAlive: t0 - 3600), facts: facts(now: Date(timeIntervalSince1970: 2000), synced: true),
            finding: .rebooted(clean: false),
            outage: OutageReport(
                cause: .powerLoss, start: t0 - 3600, end: nil, durationS: nil, precisionS: 60, clockSynced: false,
                uptimeS: 1000)),
    ]

    @Test(arguments: cases)
    func decides(_ c: StartCase) throws {
        let decision = GapDetector.onStart(previous: c.previous, facts: c.facts, policy: policy)
        #expect(decision.finding == c.finding)
        #expect(decision.outage == c.outage)
        #expect(!decision.message.isEmpty)
    }

    /// Every outage the detector makes must pass the collector's own decoder.
    @Test(arguments: cases)
    func outagesAreValidOnTheWire(_ c: StartCase) throws {
        guard let outage = GapDetector.onStart(previous: c.previous, facts: c.facts, policy: policy).outage else {
            return
        }
        let event = Event(device: "pi-1", at: t0, bootID: bootB, payload: .outage(outage))
        let back = try WireCoding.decode(EventBatch.self, from: try WireCoding.encode(EventBatch(events: [event])))
        #expect(back.events == [event])
    }

    @Test func unreadableStateIsWarnedAboutWithItsReason() {
        let d = GapDetector.onStart(previous: .unreadable(reason: "the file is empty"), facts: facts(), policy: policy)
        #expect(d.message.contains("the file is empty"))
    }

    @Test func stoppedThresholdCoversThePersistInterval() {
        #expect(GapPolicy(interval: 10, persistInterval: 60).stoppedThreshold == 62)
        #expect(GapPolicy(interval: 30, persistInterval: 5).stoppedThreshold == 32)
    }
}

/// One pair of ticks and what the running checks must find.
struct TickCase: CustomTestStringConvertible, Sendable {
    var name: String
    var wall: Double
    var boottime: Double
    var mono: Double
    var expected: [Event.Payload]
    var testDescription: String { name }
}

@Suite struct GapDetectorRunningTests {
    static let cases: [TickCase] = [
        TickCase(name: "normal tick", wall: 10, boottime: 10, mono: 10, expected: []),
        TickCase(name: "1.5 s of drift is not a jump", wall: 11.5, boottime: 10, mono: 10, expected: []),
        TickCase(
            name: "NTP steps the clock forward an hour", wall: 3610, boottime: 10, mono: 10,
            expected: [.clockJump(deltaS: 3600)]),
        TickCase(
            name: "clock set back a minute", wall: -50, boottime: 10, mono: 10, expected: [.clockJump(deltaS: -60)]),
        TickCase(
            name: "suspended five minutes: outage, and the wall clock agrees (no jump)", wall: 310, boottime: 310,
            mono: 10,
            expected: [
                .outage(
                    OutageReport(
                        cause: .suspend, start: t0, end: t0 + 300, durationS: 300, precisionS: 10, clockSynced: true))
            ]),
        TickCase(
            name: "suspended and the clock stepped too", wall: 400, boottime: 310, mono: 10,
            expected: [
                .outage(
                    OutageReport(
                        cause: .suspend, start: t0, end: t0 + 300, durationS: 300, precisionS: 10, clockSynced: true)),
                .clockJump(deltaS: 90),
            ]),
        TickCase(
            name: "boot clock 1.9 s ahead is scheduling noise, not a suspend", wall: 11.9, boottime: 11.9, mono: 10,
            expected: []),
    ]

    @Test(arguments: cases)
    func checks(_ c: TickCase) {
        let p = BootSnapshot(bootID: bootA, now: t0, uptime: 500, monotonic: 400, clockSynced: true)
        let n = BootSnapshot(
            bootID: bootA, now: t0 + c.wall, uptime: 500 + c.boottime, monotonic: 400 + c.mono, clockSynced: true)
        #expect(GapDetector.whileRunning(previous: p, current: n, policy: policy) == c.expected)
    }
}

@Suite struct PersistScheduleTests {
    // (interval, persist, seconds since the last write, due): the tick nearest the persist interval writes,
    // even when it woke a little early or late.
    @Test(arguments: [
        (10.0, 60.0, 50.0, false), (10, 60, 54.9, false), (10, 60, 55.0, true), (10, 60, 59.98, true),
        (10, 60, 60.03, true),
        (1, 6, 5.4, false), (1, 6, 5.5, true), (1, 6, 5.999, true),
        (60, 10, 0.0, false), (60, 10, 5.0, true), // persisting less often than beating: every tick writes
    ])
    func persistDue(interval: Double, persist: Double, since: Double, due: Bool) {
        #expect(GapPolicy(interval: interval, persistInterval: persist).persistDue(sinceLastPersist: since) == due)
    }

    /// Ticks that wake up to 50 ms late write every sixth tick (60 s at the defaults), never every seventh.
    @Test func jitteredTicksWriteEverySixth() {
        let p = GapPolicy(interval: 10, persistInterval: 60)
        var last = 0.0
        var writes: [Double] = []
        for tick in 1...600 {
            let t = Double(tick) * 10 + Double(tick * 37 % 50) / 1000 // 0 to 49 ms late, in no order
            if p.persistDue(sinceLastPersist: t - last) {
                writes.append(t - last)
                last = t
            }
        }
        #expect(writes.allSatisfy { abs($0 - 60) < 0.1 }, "\(writes.filter { abs($0 - 60) >= 0.1 })")
    }
}
