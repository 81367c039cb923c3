import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorCore
@testable import CollectorRules

/// The pages' cache of log rows: rows stored after the load are added to their device (issue 33 made the add work
/// in place; what it holds must not change).
@Suite struct TimelineCacheTests {
    static let now = Date(timeIntervalSince1970: 1_795_335_000)

    static func flip(_ device: String, _ to: DeviceStatus, _ at: Date) -> Event {
        Event(device: device, at: at, bootID: nil, payload: .flip(FlipRecord(from: .up, to: to, reason: "test")))
    }

    static func loaded(_ rows: [String: [StoredEvent]]) -> @Sendable (Date) async throws -> [String: [StoredEvent]] {
        { _ in rows }
    }

    @Test func rowsStoredAfterTheLoadAreAddedToTheirDeviceOnce() async throws {
        let cache = TimelineCache()
        let first = StoredEvent(event: Self.flip("a", .up, Self.now - 60), receivedAt: Self.now - 60, seq: 1)
        _ = try await cache.all(now: Self.now, load: Self.loaded(["a": [first], "b": []]))
        let down = Self.flip("a", .down, Self.now)
        let other = Self.flip("c", .down, Self.now)
        let power = Event(
            device: "a", at: Self.now, bootID: "ab", payload: .powerWarning(state: .appeared, warnings: "x"))
        await cache.add([down, other, power], receivedAt: Self.now)
        await cache.add([down], receivedAt: Self.now)
        // Within a day the cache answers without loading again.
        let rows = try await cache.all(now: Self.now + 1, load: Self.loaded([:]))
        #expect(rows["a"]?.map(\.event) == [first.event, down])
        #expect(rows["a"]?.last?.seq == Int64.max)
        #expect(rows["b"] == [])
        #expect(rows["c"]?.map(\.event) == [other])
        #expect(rows.count == 3)
    }

    @Test func rowsBeforeAnyLoadAreNotKept() async throws {
        let cache = TimelineCache()
        await cache.add([Self.flip("a", .down, Self.now)], receivedAt: Self.now)
        let rows = try await cache.all(now: Self.now, load: Self.loaded([:]))
        #expect(rows.isEmpty)
    }
}
