import Foundation
import Testing

@testable import CollectorCore

/// The ticker's pulse tells a stall the sweep's own sleep could not (one that ended when that sleep would have).
@Suite struct ProcessPulseTests {
    static let t = Date(timeIntervalSince1970: 1000)

    /// (ticks and takes: offset s and whether it is the sweep's take; the stalls the takes return).
    static let cases: [(String, [(Double, Bool)], [Double])] = [
        ("steady ticks: no stall", [(0.25, false), (0.5, false), (0.75, true)], [0]),
        ("a loaded moment (1 s late) is no stall", [(0.25, false), (1.5, false), (1.6, true)], [0]),
        // Seed 337: SIGSTOP at 0.3, SIGCONT at 2.4; the sweep wakes first, on time for its deadline.
        (
            "the sweep wakes first after a 2 s hang", [(0.25, false), (2.4, true), (2.45, false), (2.5, true)],
            [1.9, 0]
        ),
        ("the ticker wakes first: the sweep still gets it", [(0.25, false), (2.4, false), (2.41, true)], [1.9]),
        ("two stalls before one take: the longer", [(3, false), (3.2, false), (7, false), (7.1, true)], [3.55]),
    ]

    @Test(arguments: cases)
    func aStallIsTakenOnceWhoeverWakesFirst(_ name: String, steps: [(Double, Bool)], stalls: [Double]) {
        var pulse = ProcessPulse(at: Self.t, tick: 0.25, slack: 1.5)
        var taken: [Double] = []
        for (offset, isTake) in steps {
            if isTake {
                taken.append(pulse.take(Self.t + offset))
            } else {
                pulse.observe(Self.t + offset)
            }
        }
        #expect(taken.map { ($0 * 100).rounded() / 100 } == stalls, "\(name)")
    }
}
