import DowntimeProtocol
import Foundation
import Testing

@testable import AgentCore

/// `PowerWatch` alone: readings in, the warning times and what appeared out.
@Suite struct PowerWatchTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_335_123)

    /// Under-voltage now, throttled now in the previous reading and in this one → whether a warning appeared.
    @Test(arguments: [
        ((false, false), (false, false), false),
        ((false, false), (true, false), true),
        ((false, false), (false, true), true),
        // Still there: not new, no write at once.
        ((true, false), (true, false), false),
        ((true, false), (true, true), true),
        ((true, true), (false, false), false),
    ])
    func aWarningAppearsWhenThePreviousReadingDidNotShowIt(before: (Bool, Bool), now: (Bool, Bool), appeared: Bool) {
        var watch = PowerWatch(sensor: HealthSensor(root: "/nonexistent"))
        _ = watch.note(DeviceHealth(underVoltageNow: before.0, throttledNow: before.1), at: Self.t0)
        let new = watch.note(DeviceHealth(underVoltageNow: now.0, throttledNow: now.1), at: Self.t0 + 10)
        #expect(new == appeared)
        // The times say when each was last seen now.
        #expect(watch.underVoltageSeen == (now.0 ? Self.t0 + 10 : before.0 ? Self.t0 : nil))
        #expect(watch.throttledSeen == (now.1 ? Self.t0 + 10 : before.1 ? Self.t0 : nil))
        #expect(watch.reading == DeviceHealth(underVoltageNow: now.0, throttledNow: now.1))
    }

    @Test func noSensorsIsNoReadingAndNoWarning() {
        var watch = PowerWatch(sensor: HealthSensor(root: "/nonexistent"))
        let appeared = watch.read(at: Self.t0)
        #expect(!appeared)
        #expect(watch.reading == nil && watch.underVoltageSeen == nil && watch.throttledSeen == nil)
        let warm = watch.note(DeviceHealth(tempC: 50), at: Self.t0)
        #expect(!warm && watch.reading?.tempC == 50)
    }

    @Test func theTimesGoToTheStateAndComeBackWithinTheBoot() {
        var watch = PowerWatch(sensor: HealthSensor(root: "/nonexistent"))
        _ = watch.note(DeviceHealth(underVoltageNow: true), at: Self.t0)
        let plain = AgentState(bootID: "b", lastAlive: Self.t0 + 5, lastAliveUptime: 100, clockSynced: true)
        let state = watch.stamped(plain)
        #expect(state.underVoltageSeen == Self.t0 && state.throttledSeen == nil && state.lastAlive == Self.t0 + 5)
        var restarted = PowerWatch(sensor: HealthSensor(root: "/nonexistent"))
        restarted.resume(from: state)
        #expect(restarted.underVoltageSeen == Self.t0 && restarted.reading == nil)
    }

    @Test func theEndedBootsWarningsAreTheOutagesEvidence() {
        var ended = AgentState(bootID: "old", lastAlive: Self.t0, lastAliveUptime: 100, clockSynced: true)
        ended.throttledSeen = Self.t0 - 40
        let outage = OutageReport(
            cause: .powerLoss, start: Self.t0, end: Self.t0 + 60, durationS: 60, precisionS: 60, clockSynced: true,
            underVoltageSeen: Self.t0 - 1)
        let withEvidence = PowerWatch.withEvidence(outage, from: ended)
        #expect(withEvidence.throttledSeen == Self.t0 - 40 && withEvidence.underVoltageSeen == nil)
        #expect(withEvidence.powerEvidence == "throttling last seen 40 s before the last-alive time")
    }
}
