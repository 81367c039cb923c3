import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorRules

/// Which of a beat's results are check flips, when they are dated, and the states restored from stored flips.
@Suite struct CheckFlipsTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_335_000)

    static func r(_ name: String, _ state: CheckState, since: TimeInterval = 0, notify: Bool = true) -> CheckResult {
        CheckResult(name: name, state: state, detail: "\(name) \(state.rawValue)", since: t0 + since, notify: notify)
    }

    struct Row: CustomTestStringConvertible, Sendable {
        var name: String
        var previous: [CheckResult]?
        var new: [CheckResult]?
        var full = true
        /// `name:from>to`, from `-` when first seen.
        var flips: [String]
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(
            name: "first results: every check is first seen", previous: nil, new: [r("a", .ok), r("b", .failing)],
            flips: ["a:->ok", "b:->failing"]),
        Row(name: "no change: none", previous: [r("a", .ok)], new: [r("a", .ok, since: 5)], flips: []),
        Row(
            name: "a detail alone is no change", previous: [r("a", .failing)],
            new: [CheckResult(name: "a", state: .failing, detail: "other words", since: t0)], flips: []),
        Row(
            name: "a change", previous: [r("a", .ok), r("b", .ok)], new: [r("a", .ok), r("b", .unknown)],
            flips: ["b:ok>unknown"]),
        Row(
            name: "a new check beside the old", previous: [r("a", .ok)], new: [r("a", .ok), r("c", .ok)],
            flips: ["c:->ok"]),
        Row(
            name: "the digest alone says nothing of how", previous: [r("a", .ok)], new: [r("a", .failing)],
            full: false, flips: []),
        Row(name: "no checks field", previous: [r("a", .ok)], new: nil, flips: []),
    ]

    @Test(arguments: rows) func flipsOfABeat(_ row: Row) {
        let digest = row.new.map { CheckDigest(of: $0, full: row.full) }
        let flips = CheckStates.flips(
            device: "pi", previous: row.previous, new: digest, beatAt: Self.t0 + 100, skew: 0, previousBeat: nil)
        #expect(flips.map { "\($0.name):\($0.record.from?.rawValue ?? "-")>\($0.record.to.rawValue)" } == row.flips)
        #expect(flips.allSatisfy { $0.device == "pi" && $0.event.kind == .check })
    }

    /// Dated at the agent's `since` on the collector's clock (`since + skew`), never after the beat that tells it
    /// nor before the beat before it; `notify=no` is carried.
    @Test(arguments: [
        (since: 40.0, skew: 5.0, previousBeat: 30.0, at: 45.0),
        (since: 40.0, skew: 200.0, previousBeat: 30.0, at: 100.0),
        (since: 10.0, skew: 0.0, previousBeat: 30.0, at: 30.0),
        (since: 10.0, skew: -20.0, previousBeat: nil, at: -10.0),
    ])
    func datedOnTheCollectorsClock(since: Double, skew: Double, previousBeat: Double?, at: Double) {
        let flips = CheckStates.flips(
            device: "pi", previous: [Self.r("a", .ok)],
            new: CheckDigest(of: [Self.r("a", .failing, since: since, notify: false)], full: true),
            beatAt: Self.t0 + 100, skew: skew, previousBeat: previousBeat.map { Self.t0 + $0 })
        #expect(flips.map(\.at) == [Self.t0 + at])
        #expect(flips.map(\.notify) == [false] && flips.map(\.result.notify) == [false])
    }

    @Test func restoredFromTheNewestFlipOfEachCheck() {
        func f(_ name: String, _ to: CheckState, _ at: TimeInterval) -> CheckFlip {
            CheckFlip(
                device: "pi", record: CheckFlipRecord(name: name, from: nil, to: to, detail: "at \(Int(at))"),
                at: Self.t0 + at)
        }
        let restored = CheckStates.restored([
            f("b", .ok, 0), f("a", .failing, 10), f("b", .failing, 20), f("a", .ok, 5),
        ])
        #expect(restored.map(\.name) == ["a", "b"])
        #expect(
            restored.map(\.state) == [.failing, .failing] && restored.map(\.since) == [Self.t0 + 10, Self.t0 + 20])
        #expect(restored.map(\.detail) == ["at 10", "at 20"])
    }

    /// The check's bar: failing time is its downtime, its unknown time and the device's away time are unknown.
    @Test func historyDaysFromTheFlips() {
        let day = 86_400.0
        let start = Date(timeIntervalSince1970: (Self.t0.timeIntervalSince1970 / day).rounded(.down) * day)
        func f(_ to: CheckState, _ at: TimeInterval) -> CheckFlip {
            CheckFlip(device: "pi", record: CheckFlipRecord(name: "a", from: nil, to: to, detail: ""), at: start + at)
        }
        let flips = [f(.ok, 0), f(.failing, 3600), f(.unknown, 5400), f(.ok, 7200)]
        let spans = CheckHistory.spans(flips, now: start + day)
        #expect(spans.failing == [DateInterval(start: start + 3600, end: start + 5400)])
        #expect(spans.unknown == [DateInterval(start: start + 5400, end: start + 7200)])
        let days = CheckHistory.days(
            flips, count: 2, now: start + day - 1,
            deviceAway: [DateInterval(start: start + 10_000, end: start + 11_000)])
        #expect(days.count == 2 && days[0].known == 0)
        #expect(days[1].down == 1800 && days[1].outages == 1 && days[1].known == day - 1 - 1800 - 1000)
    }
}
