import CollectorCore
import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorRules

@Suite struct SweepScheduleTests {
    static let now = Date(timeIntervalSince1970: 1_795_335_000)

    // (seconds to the next deadline or nil, expected delay) with a sweep every second.
    @Test(
        arguments: [
            (nil, 1.0), (30.0, 1.0), (0.998, 1.0), (0.5, 0.502), (0.1, 0.102), (0.01, 0.05), (-3.0, 0.05),
        ] as [(Double?, Double)])
    func delayMeetsTheDeadline(toDeadline: Double?, expected: Double) {
        let d = SweepSchedule.delay(nextDown: toDeadline.map { Self.now + $0 }, now: Self.now, every: 1)
        #expect(abs(d - expected) < 1e-6, "\(d)")
    }

    @Test func sweepSaysWhenTheNextDeviceTurnsDown() async throws {
        let h = try await Harness.make()
        let a = try await h.addDevice("pi-a")
        let b = try await h.addDevice("pi-b")
        try await h.test { client in
            #expect(try await h.collector.sweeper.sweep() == nil) // nobody beat yet: nobody can turn down
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-a"), token: a)
            // Deadlines are on the monotonic clock.
            let beatA = h.collector.time().steady
            h.clock.advance(4)
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-b"), token: b)
            // 3 misses × 10 s + 5 s grace after pi-a's beat comes first.
            #expect(try await h.collector.sweeper.sweep() == beatA + 35)
            // At pi-a's deadline it turns down, and pi-b's deadline is the next one.
            h.clock.advance(31)
            #expect(try await h.collector.sweeper.sweep() == beatA + 4 + 35)
            #expect(try await client.getJSON("/api/v1/devices/pi-a", as: DeviceView.self).status == .down)
        }
    }
}
