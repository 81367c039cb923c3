import Foundation
import Testing

@testable import CollectorRules

@Suite struct QueuedBeatTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_335_000)

    /// (sent, skew before, previous beat, stall start, expected), seconds after t0; received at t0 + 20.
    @Test(arguments: [
        // No stall just before: the receipt, whatever the device's clock says.
        (5.0, 0.2 as Double?, 1.0 as Double?, nil as Double?, 20.0),
        // Sent at 5 on the device's clock, 0.2 s behind ours: alive at 5.2.
        (5.0, 0.2, 1.0, 2.0, 5.2),
        // No skew known (the first beat ever): the receipt.
        (5.0, nil, nil, 2.0, 20.0),
        // A device clock far behind (stepped since): not before the stall began.
        (-100.0, 0.2, 1.0, 2.0, 2.0),
        // ...nor before the device's previous beat.
        (-100.0, 0.2, 3.0, 2.0, 3.0),
        // A device clock far ahead: not after the receipt.
        (100.0, 0.2, 1.0, 2.0, 20.0),
        // A previous beat at the receipt leaves nothing to move.
        (5.0, 0.2, 20.0, 2.0, 20.0),
    ])
    func datesABeatReadAfterAStall(
        sent: Double, skew: Double?, previous: Double?, stallStart: Double?, expected: Double
    ) {
        let at = QueuedBeat.date(
            sentAt: Self.t0 + sent, receivedAt: Self.t0 + 20, skewBefore: skew,
            previousBeat: previous.map { Self.t0 + $0 }, stallStart: stallStart.map { Self.t0 + $0 })
        #expect(abs(at.timeIntervalSince(Self.t0) - expected) < 1e-6)
    }
}
