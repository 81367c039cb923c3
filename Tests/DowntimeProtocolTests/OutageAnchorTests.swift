import Foundation
import Testing

@testable import DowntimeProtocol

@Suite struct OutageAnchorTests {
    static let base = Date(timeIntervalSince1970: 1_795_335_123)

    /// start (seconds after `base`, nil for none), bootedAt (seconds after `base`) → end, durationS.
    @Test(arguments: [
        (0.0 as Double?, 3000.0, 3000.0, 3000.0 as Double?),
        (0.0, 0.25, 0.25, 0.25),
        // Sub-millisecond parts round to the millisecond, as the agent's durations always did.
        (0.0, 12.3456, 12.3456, 12.346),
        (0.0, 0.0004, 0.0004, 0.0),
        // Booted "before" the start (a clock that disagrees a little): the end is the start, no negative duration.
        (100.0, 40.0, 100.0, 0.0),
        // No start (cause unknown): the end is the boot, and there is no duration.
        (nil, 500.0, 500.0, nil),
    ])
    func anchorsTheEndAtTheBoot(start: Double?, bootedAt: Double, end: Double, duration: Double?) {
        let report = OutageReport(
            cause: start == nil ? .unknown : .powerLoss, start: start.map { Self.base + $0 }, end: nil,
            durationS: nil, precisionS: 60, clockSynced: false, uptimeS: 130)
        let anchored = report.anchored(bootedAt: Self.base + bootedAt)
        #expect(anchored.end == Self.base + end)
        #expect(anchored.durationS == duration)
    }

    @Test func onlyTheEndAndTheDurationChange() {
        let seen = Self.base - 40
        let report = OutageReport(
            cause: .powerLoss, start: Self.base, end: nil, durationS: nil, precisionS: 60, clockSynced: false,
            uptimeS: 130, underVoltageSeen: seen, throttledSeen: seen)
        var expected = report
        expected.end = Self.base + 10
        expected.durationS = 10
        // The clock flag and the uptime are the caller's to set: the collector keeps the uptime it was sent.
        #expect(report.anchored(bootedAt: Self.base + 10) == expected)
    }

    @Test(arguments: [
        (0.0, 0.0), (-5.0, 0.0), (1.0004, 1.0), (1.0006, 1.001), (80_000.12345, 80_000.123), (3000.0, 3000.0),
    ])
    func roundsSecondsToTheMillisecondNeverNegative(seconds: Double, rounded: Double) {
        #expect(OutageReport.roundedSeconds(seconds) == rounded)
    }
}
