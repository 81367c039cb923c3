import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorRules

/// The dependency rule on a frozen clock: last beat at t0, interval 10 s, 3 misses, 5 s grace (down at t0 + 35).
@Suite struct DependencyRuleTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_335_000)
    static let policy = LivenessPolicy(misses: 3, grace: 5)
    typealias J = DependencyRule.Judgement

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var after: TimeInterval
        var recorded: DeviceStatus
        var parent: DependencyRule.Parent
        var expected: J
        var beat: Bool = true
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "keeps beating while the parent is down: up", after: 5, recorded: .up, parent: .blocking,
            expected: J(status: .up, nextDown: t0 + 35)),
        Case(
            name: "late while the parent is down: late", after: 20, recorded: .up, parent: .blocking,
            expected: J(status: .late, nextDown: t0 + 35)),
        Case(
            name: "past its deadline behind a down parent: unreachable from its last beat", after: 35, recorded: .up,
            parent: .blocking, expected: J(status: .unreachable, flip: (.unreachable, .lastBeat))),
        Case(
            name: "already unreachable: nothing new", after: 600, recorded: .unreachable, parent: .blocking,
            expected: J(status: .unreachable)),
        Case(
            name: "parent only late: held as late, no flip, no busy wake", after: 40, recorded: .up, parent: .pending,
            expected: J(status: .late)),
        Case(
            name: "unreachable and the parent late again: still unreachable", after: 600, recorded: .unreachable,
            parent: .pending, expected: J(status: .unreachable)),
        Case(
            name: "no parent: down from its last beat", after: 35, recorded: .up, parent: .clear(back: nil),
            expected: J(status: .down, flip: (.down, .lastBeat))),
        Case(
            name: "parent up: down from its last beat", after: 35, recorded: .up, parent: .clear(back: t0 - 500),
            expected: J(status: .down, flip: (.down, .lastBeat))),
        Case(
            name: "parent back at +100: a fresh window from its return", after: 134, recorded: .unreachable,
            parent: .clear(back: t0 + 100), expected: J(status: .unreachable, nextDown: t0 + 135)),
        Case(
            name: "still silent past the deadline from the parent's return: down from that return", after: 135,
            recorded: .unreachable, parent: .clear(back: t0 + 100),
            expected: J(status: .down, flip: (.down, .at(t0 + 100)))),
        Case(
            name: "recorded down before the parent went: stays down", after: 600, recorded: .down,
            parent: .blocking, expected: J(status: .down)),
        Case(
            name: "never beat: new", after: 600, recorded: .new, parent: .blocking, expected: J(status: .new),
            beat: false),
    ]

    @Test(arguments: cases) func rule(_ c: Case) {
        let judged = DependencyRule.judge(
            lastBeat: c.beat ? Self.t0 : nil, interval: 10, policy: Self.policy, windowStart: nil,
            recorded: c.recorded, parent: c.parent, now: Self.t0 + c.after)
        #expect(judged == c.expected, "\(judged)")
    }

    @Test func aFreshWindowAfterTheParentsReturnStillCounts() {
        // The collector restarted at +150, after the parent's return at +100: measured from the later one.
        let judged = DependencyRule.judge(
            lastBeat: Self.t0, interval: 10, policy: Self.policy, windowStart: Self.t0 + 150,
            recorded: .unreachable, parent: .clear(back: Self.t0 + 100), now: Self.t0 + 184)
        #expect(judged == J(status: .unreachable, nextDown: Self.t0 + 185))
    }

    /// Without a parent the rule is exactly `Liveness`.
    @Test(arguments: [0.0, 14.999, 15, 34.999, 35, 86_400])
    func withoutAParentItIsLiveness(after: TimeInterval) {
        let judged = DependencyRule.judge(
            lastBeat: Self.t0, interval: 10, policy: Self.policy, windowStart: nil, recorded: .up,
            parent: .clear(back: nil), now: Self.t0 + after)
        #expect(
            judged.status
                == Liveness.status(
                    lastBeat: Self.t0, interval: 10, paused: false, now: Self.t0 + after, policy: Self.policy))
    }
}
