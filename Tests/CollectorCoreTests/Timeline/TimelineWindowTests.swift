import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorCore
@testable import CollectorRules

/// The pages read a month of log rows, however long the history: before the window only the rows that
/// say since when a device is known, what state it was in when the window opened, and its newest outage.
@Suite struct TimelineWindowTests {
    static let now = Date(timeIntervalSince1970: 1_795_335_000)
    static func day(_ n: Double) -> Date { now + n * 86_400 }

    static func flip(_ device: String, _ from: DeviceStatus, _ to: DeviceStatus, _ at: Date) -> FlipChange {
        FlipChange(
            device: device, status: to,
            event: Event(
                device: device, at: at, bootID: nil,
                payload: .flip(FlipRecord(from: from, to: to, reason: "test"))))
    }

    static func outage(_ device: String, from: Date, to: Date) -> Event {
        Event(
            device: device, at: to, bootID: "ab",
            payload: .outage(
                OutageReport(
                    cause: .powerLoss, start: from, end: to, durationS: to.timeIntervalSince(from), precisionS: 60,
                    clockSynced: true)))
    }

    @Test(arguments: Backend.all)
    func oldHistoryIsReducedToFirstSeenAndTheStateAtTheWindow(_ backend: Backend) async throws {
        let handle = try StoreHandle.fresh(backend)
        defer { handle.remove() }
        let store = try await handle.open()
        for name in ["pi-old", "pi-quiet"] {
            try await store.addDevice(DeviceRecord(name: name, tokenHash: Tokens.hash(name), createdAt: Self.day(-90)))
        }
        _ = try await store.recordFlips([
            Self.flip("pi-old", .new, .up, Self.day(-60)),
            Self.flip("pi-old", .up, .down, Self.day(-50)), Self.flip("pi-old", .down, .up, Self.day(-49)),
            // Down since before the window opens, back inside it.
            Self.flip("pi-old", .up, .down, Self.day(-40)), Self.flip("pi-old", .down, .up, Self.day(-10)),
            Self.flip("pi-quiet", .new, .up, Self.day(-80)),
            Self.flip("pi-quiet", .up, .down, Self.day(-70)), Self.flip("pi-quiet", .down, .up, Self.day(-69)),
            // Its newest outage is six weeks old: still its "last outage", cause and all.
            Self.flip("pi-quiet", .up, .down, Self.day(-45)), Self.flip("pi-quiet", .down, .up, Self.day(-44)),
        ])
        _ = try await store.insertEvents(
            [
                Self.outage("pi-old", from: Self.day(-50), to: Self.day(-49)),
                Self.outage("pi-old", from: Self.day(-40), to: Self.day(-10)),
                Self.outage("pi-quiet", from: Self.day(-70), to: Self.day(-69)),
                Self.outage("pi-quiet", from: Self.day(-45), to: Self.day(-44)),
            ], receivedAt: Self.now)

        for device in [nil, "pi-old"] as [String?] {
            let rows = try await store.timelineEvents(since: Self.day(-31), device: device)
            let old = try #require(rows["pi-old"])
            // First flip; newest report before the window; the down it was in as the window opened; the window.
            #expect(old.map(\.event.at) == [Self.day(-60), Self.day(-49), Self.day(-40), Self.day(-10), Self.day(-10)])
            let timeline = DeviceTimeline(rows: old, now: Self.now)
            #expect(timeline.firstSeen == Self.day(-60))
            #expect(timeline.down == [DownPeriod(start: Self.day(-40), end: Self.day(-10))])
            #expect(timeline.reported.count == 2)
            if device == nil {
                // A device without news in the window still says since when it is known, and its last outage.
                let quiet = try #require(rows["pi-quiet"])
                #expect(quiet.map(\.event.at) == [Self.day(-80), Self.day(-45), Self.day(-44), Self.day(-44)])
                let last = DeviceTimeline(rows: quiet, now: Self.now).outages(slack: 15, now: Self.now).last
                #expect(last?.start == Self.day(-45) && last?.end == Self.day(-44) && last?.cause == .powerLoss)
            } else {
                #expect(rows["pi-quiet"] == nil)
            }
        }
    }
}
