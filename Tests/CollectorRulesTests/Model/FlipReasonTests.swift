import DowntimeProtocol
import Testing

@testable import CollectorRules

/// The words each reason is stored with: the log, the API and the messages read them as before.
@Suite struct FlipReasonTests {
    @Test(arguments: [
        (FlipReason.firstHeartbeat, "first heartbeat"),
        (.heartbeatReceived, "heartbeat received"),
        (.reportedFailure, "the device reported a failure"),
        (.silent(seconds: 35, rule: "3 × 10 s + 5 s grace"), "no heartbeat for 35 s (3 × 10 s + 5 s grace)"),
        (
            .silentBehindParent(seconds: 40, parent: "router", parentStatus: .down),
            "no heartbeat for 40 s while router is down"
        ),
        (
            .silentSinceParentBack(seconds: 50, parent: "router", rule: "3 × 10 s + 5 s grace"),
            "no heartbeat for 50 s since router came back (3 × 10 s + 5 s grace)"
        ),
        (.pausedByAdmin, "paused by admin"),
        (.resumedByAdmin, "resumed by admin"),
    ])
    func isWrittenAsBefore(reason: FlipReason, text: String) {
        #expect(reason.text == text)
    }

    @Test func anUpFlipSaysWhetherItWasTheFirstBeat() {
        #expect(FlipReason.heartbeat(from: .new) == .firstHeartbeat)
        #expect(FlipReason.heartbeat(from: .down) == .heartbeatReceived)
        let flip = FlipChange.flip(
            "pi", from: .new, to: .up, at: .init(timeIntervalSince1970: 0), reason: .firstHeartbeat)
        guard case .flip(let record) = flip.event.payload else {
            Issue.record("not a flip")
            return
        }
        #expect(record.reason == "first heartbeat")
    }
}
