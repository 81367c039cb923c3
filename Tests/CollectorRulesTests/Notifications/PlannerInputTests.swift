import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorRules

/// The planner's one entry, `observe(_: PlannerInput)`, plans each input as the input's own rule does.
@Suite struct PlannerInputTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func planner() -> NotificationPlanner {
        NotificationPlanner(damp: 600, groupWindow: 10, settle: 30, upsHold: 20)
    }

    @Test func eachInputIsPlannedAsItsOwnRuleDoes() {
        let down = FlipChange.flip("pi-1", from: .up, to: .down, at: Self.t0, reason: .silent(seconds: 35, rule: "r"))
        var byInput = Self.planner()
        var direct = Self.planner()
        byInput.observe(.flips([down], now: Self.t0))
        direct.observe([down], now: Self.t0)
        byInput.observe(.underVoltage(device: "pi-2", at: Self.t0))
        direct.observeUnderVoltage(device: "pi-2", at: Self.t0)
        byInput.observe(.storage(device: "pi-3", state: .readOnly, path: "/var/lib/downtime", at: Self.t0))
        direct.observeStorage(device: "pi-3", state: .readOnly, path: "/var/lib/downtime", at: Self.t0)
        let planned = byInput.due(now: Self.t0 + 60, deviceCount: 3)
        #expect(planned == direct.due(now: Self.t0 + 60, deviceCount: 3))
        #expect(Set(planned.map(\.kind)) == [.down, .underVoltage, .storage], "\(planned)")
        #expect(planned.first { $0.kind == .down }?.reason == "no heartbeat for 35 s (r)")
    }
}
