import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorRules

/// Issue #26: flips are paired in the order they were recorded, whatever their times say.
@Suite struct DeviceTimelineTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_335_000)

    static func flip(_ from: DeviceStatus, _ to: DeviceStatus, at seconds: Double, seq: Int64) -> StoredEvent {
        StoredEvent(
            event: Event(
                device: "pi-1", at: t0 + seconds, bootID: nil,
                payload: .flip(FlipRecord(from: from, to: to, reason: "test"))),
            receivedAt: t0 + seconds, seq: seq)
    }

    /// The collector's clock stepped 55 s ahead for a while: the up flip of the first outage was dated on it,
    /// the second outage (after the clock came back) earlier than that. Two outages, both closed.
    @Test func aFlipDatedOnASteppedClockDoesNotPairWithTheWrongOne() {
        let rows = [
            Self.flip(.new, .up, at: 0, seq: 1),
            Self.flip(.up, .down, at: 40, seq: 2),
            Self.flip(.down, .up, at: 100, seq: 3), // received at 45, dated 55 s ahead
            Self.flip(.up, .down, at: 60, seq: 4),
            Self.flip(.down, .up, at: 70, seq: 5),
        ]
        // In any order the rows come.
        for shuffled in [rows, rows.reversed(), [rows[3], rows[0], rows[4], rows[2], rows[1]]] {
            let timeline = DeviceTimeline(rows: shuffled, now: Self.t0 + 200)
            #expect(timeline.down.map(\.start) == [Self.t0 + 40, Self.t0 + 60])
            #expect(timeline.down.map(\.end) == [Self.t0 + 100, Self.t0 + 70])
            #expect(timeline.firstSeen == Self.t0)
        }
    }

    /// An up dated before its down (the clock stepped back between them) closes the period at its start.
    @Test func anUpDatedBeforeItsDownClosesThePeriodAtItsStart() {
        let rows = [
            Self.flip(.new, .up, at: 0, seq: 1), Self.flip(.up, .down, at: 50, seq: 2),
            Self.flip(.down, .up, at: 30, seq: 3),
        ]
        let timeline = DeviceTimeline(rows: rows, now: Self.t0 + 200)
        #expect(timeline.down.map(\.start) == [Self.t0 + 50] && timeline.down.map(\.end) == [Self.t0 + 50])
    }

    /// Rows not stored yet (the cache's own, `seq` Int64.max) come after the stored ones, in arrival order.
    @Test func rowsNotStoredYetFollowInTheirArrivalOrder() {
        let rows = [
            Self.flip(.new, .up, at: 0, seq: 1),
            Self.flip(.up, .down, at: 40, seq: .max), Self.flip(.down, .up, at: 39, seq: .max),
        ]
        let timeline = DeviceTimeline(rows: rows, now: Self.t0 + 200)
        #expect(timeline.down.count == 1 && timeline.down.first?.end == Self.t0 + 40)
    }
}
