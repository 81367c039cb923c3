import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorRules

@Suite struct LivenessTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_335_000)
    static let policy = LivenessPolicy(misses: 3, grace: 5)

    // (seconds after the last beat, expected) with interval 10: up < 15 <= late < 35 <= down.
    @Test(arguments: [
        (0.0, DeviceStatus.up), (14.999, .up), (15.0, .late), (20.0, .late), (34.999, .late), (35.0, .down),
        (86_400.0, .down),
    ])
    func statusByTimeSinceBeat(after: TimeInterval, expected: DeviceStatus) {
        #expect(
            Liveness.status(lastBeat: Self.t0, interval: 10, paused: false, now: Self.t0 + after, policy: Self.policy)
                == expected)
    }

    @Test func neverBeatIsNew() {
        #expect(
            Liveness.status(lastBeat: nil, interval: 10, paused: false, now: Self.t0 + 1e6, policy: Self.policy) == .new
        )
    }

    @Test func pausedWinsOverEverything() {
        #expect(
            Liveness.status(lastBeat: Self.t0, interval: 10, paused: true, now: Self.t0 + 1e6, policy: Self.policy)
                == .paused)
        #expect(
            Liveness.status(lastBeat: nil, interval: 10, paused: true, now: Self.t0, policy: Self.policy) == .paused)
    }

    @Test(arguments: [
        (1, 0.0, 10.0, DeviceStatus.down), (1, 0.0, 9.999, .up), (5, 2.0, 51.999, .late), (5, 2.0, 52.0, .down),
    ])
    func deadlineFollowsThePolicy(misses: Int, grace: Double, after: TimeInterval, expected: DeviceStatus) {
        let p = LivenessPolicy(misses: misses, grace: grace)
        #expect(
            Liveness.status(lastBeat: Self.t0, interval: 10, paused: false, now: Self.t0 + after, policy: p) == expected
        )
    }

    // A collector restart at t0 + 100 gives a device last heard at t0 a fresh window from the restart.
    @Test(arguments: [(100.0, DeviceStatus.up), (114.999, .up), (115.0, .late), (134.999, .late), (135.0, .down)])
    func restartGivesAFreshWindow(after: TimeInterval, expected: DeviceStatus) {
        let s = Liveness.status(
            lastBeat: Self.t0, interval: 10, paused: false, now: Self.t0 + after,
            policy: Self.policy, windowStart: Self.t0 + 100)
        #expect(s == expected)
    }

    @Test func windowBeforeTheBeatChangesNothing() {
        let s = Liveness.status(
            lastBeat: Self.t0, interval: 10, paused: false, now: Self.t0 + 35,
            policy: Self.policy, windowStart: Self.t0 - 50)
        #expect(s == .down)
    }
}
