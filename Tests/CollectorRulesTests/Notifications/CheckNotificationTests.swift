import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorRules

/// The planner's rules for service checks (issue #30), on a frozen clock: each row is a script of check and device
/// flips at given seconds, and the messages due at given seconds.
@Suite struct CheckNotificationTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_335_000)

    /// One step of a script: at `t` seconds, a check flip (from nil: first seen), a device flip, or the check
    /// messages due then as `kind:device:checks:reason`.
    enum Step {
        case check(TimeInterval, String, String, CheckState?, CheckState, notify: Bool = true)
        case device(TimeInterval, String, DeviceStatus, DeviceStatus)
        case due(TimeInterval, [String])
    }

    struct Script: CustomTestStringConvertible, Sendable {
        var name: String
        var steps: [Step]
        var testDescription: String { name }
    }

    static let scripts: [Script] = [
        Script(
            name: "a failing check is one message after settle, its recovery another",
            steps: [
                .check(0, "pi", "ha", .ok, .failing), .due(4.9, []), .due(5, ["check_failing:pi:ha:ha: x"]),
                .check(100, "pi", "ha", .failing, .ok), .due(105, ["check_ok:pi:ha:ha: x"]), .due(2000, []),
            ]),
        Script(
            name: "checks of one device failing together are one message",
            steps: [
                .check(0, "pi", "ha", .ok, .failing), .check(2, "pi", "ftl", .ok, .failing),
                .check(3, "other", "ssh", .ok, .failing),
                .due(5, ["check_failing:pi:ha,ftl:ha: x; ftl: x"]), .due(8, ["check_failing:other:ssh:ssh: x"]),
            ]),
        Script(
            name: "back before it was told: nothing",
            steps: [.check(0, "pi", "ha", .ok, .failing), .check(3, "pi", "ha", .failing, .ok), .due(100, [])]),
        Script(
            name: "notify=no: never told",
            steps: [
                .check(0, "pi", "backup", .ok, .failing, notify: false),
                .check(50, "pi", "backup", .failing, .ok, notify: false), .due(5, []), .due(100, []),
            ]),
        Script(
            name: "a device going down sets its checks' failing messages aside",
            steps: [
                .check(0, "pi", "ha", .ok, .failing), .device(3, "pi", .up, .down), .due(5, []),
                // Failing while it is down (a flip read late): not told either, until it is up again.
                .check(20, "pi", "ftl", .ok, .failing), .due(30, []),
                // ha back meanwhile: its failing was never told, so neither is its recovery.
                .check(35, "pi", "ha", .failing, .ok),
                .device(40, "pi", .down, .up), .check(41, "pi", "ftl", .failing, .unknown),
                .check(42, "pi", "ftl", .unknown, .failing), .due(44.9, []),
                .due(45, ["check_failing:pi:ftl:ftl: x"]), .due(100, []),
            ]),
        Script(
            name: "a check still failing when its device is back up is told then, once",
            steps: [
                .check(0, "pi", "ha", .ok, .failing), .device(3, "pi", .up, .unreachable), .due(10, []),
                .device(50, "pi", .unreachable, .up), .due(54.9, []), .due(55, ["check_failing:pi:ha:ha: x"]),
                .check(60, "pi", "ha", .failing, .ok), .due(65, ["check_ok:pi:ha:ha: x"]),
            ]),
        Script(
            name: "a paused device's checks wait for its return; one told failing before keeps its recovery",
            steps: [
                .check(0, "pi", "ha", .ok, .failing), .due(5, ["check_failing:pi:ha:ha: x"]),
                .device(10, "pi", .up, .paused), .check(20, "pi", "ftl", .ok, .failing),
                .check(25, "pi", "ha", .failing, .ok), .due(30, ["check_ok:pi:ha:ha: x"]),
                .device(40, "pi", .paused, .up), .due(45, ["check_failing:pi:ftl:ftl: x"]),
            ]),
        Script(
            name: "unknown in between (an agent restart) is still the one failing, told once",
            steps: [
                .check(0, "pi", "ha", .ok, .failing), .due(5, ["check_failing:pi:ha:ha: x"]),
                .check(50, "pi", "ha", .failing, .unknown), .check(60, "pi", "ha", .unknown, .failing), .due(70, []),
                .check(80, "pi", "ha", .failing, .unknown), .check(90, "pi", "ha", .unknown, .ok),
                .due(95, ["check_ok:pi:ha:ha: x"]),
            ]),
        Script(
            name: "a check first seen failing is told; first seen ok is not",
            steps: [
                .check(0, "pi", "ha", nil, .failing), .check(0, "pi", "ssh", nil, .ok),
                .due(5, ["check_failing:pi:ha:ha: x"]),
            ]),
        Script(
            name: "bouncing after a failing message is quiet for damp, then one summary",
            steps: [
                .check(0, "pi", "ha", .ok, .failing), .due(5, ["check_failing:pi:ha:ha: x"]),
                .check(10, "pi", "ha", .failing, .ok), .due(15, ["check_ok:pi:ha:ha: x"]),
                .check(20, "pi", "ha", .ok, .failing), .check(30, "pi", "ha", .failing, .ok),
                .check(40, "pi", "ha", .ok, .failing), .due(100, []),
                .due(605, ["flapping:pi:ha:"]),
            ]),
    ]

    @Test(arguments: scripts) func checkMessages(_ script: Script) {
        var p = NotificationPlanner(damp: 600, groupWindow: 10, settle: 5)
        for step in script.steps {
            switch step {
            case .check(let t, let device, let name, let from, let to, let notify):
                let flip = CheckFlip(
                    device: device, record: CheckFlipRecord(name: name, from: from, to: to, detail: "x"),
                    at: Self.t0 + t, notify: notify)
                p.observe(.checkFlips([flip], now: Self.t0 + t))
            case .device(let t, let device, let from, let to):
                let flip = FlipChange.flip(device, from: from, to: to, at: Self.t0 + t, reason: .reportedFailure)
                p.observe(.flips([flip], now: Self.t0 + t))
            case .due(let t, let expected):
                let told = p.due(now: Self.t0 + t, deviceCount: 10).filter { $0.kind != .down && $0.kind != .up }.map {
                    "\($0.kind.rawValue):\($0.devices.joined(separator: ",")):\($0.checks.joined(separator: ",")):\($0.reason)"
                }
                #expect(told == expected, "at \(t) s")
            }
        }
    }
}
