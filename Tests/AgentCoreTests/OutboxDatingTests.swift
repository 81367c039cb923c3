import DowntimeProtocol
import Foundation
import Testing

@testable import AgentCore

/// `OutboxDating` alone: entries and a snapshot in, the batch out. No outbox, no agent.
@Suite struct OutboxDatingTests {
    static let thisBoot = "0b5d7a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
    static let wall = Date(timeIntervalSince1970: 1_795_335_123)
    /// Before NTP on a Pi without RTC.
    static let early = Date(timeIntervalSince1970: 100)

    static func entry(
        _ payload: Event.Payload = .shutdown, at: Date = wall, boot: String = thisBoot, uptime: Double = 1000,
        seq: UInt64 = 1, size: Int = 100
    ) -> Outbox.Entry {
        Outbox.Entry(
            seq: seq, event: Event(device: "pi-1", at: at, bootID: boot, payload: payload), bootID: boot,
            uptime: uptime, size: size)
    }

    static func now(wall: Date = wall, uptime: Double = 1000, synced: Bool = true) -> BootSnapshot {
        BootSnapshot(bootID: thisBoot, now: wall, uptime: uptime, monotonic: 5, clockSynced: synced)
    }

    /// Entry's time (nil: implausible), its boot (same as now?), its uptime; now's wall (nil: implausible) and
    /// uptime → the time it is sent with (nil: held back).
    @Test(arguments: [
        // A plausible time is kept as it was observed.
        (wall - 30 as Date?, true, 970.0, wall as Date?, 1000.0, wall - 30 as Date?),
        // Implausible then and now: held until the clock is right.
        (nil, true, 970.0, nil, 1000.0, nil),
        // Same boot: dated back by the boot clock.
        (nil, true, 980.0, wall, 1000.0, wall - 20),
        // Another boot: the boot clock says nothing about it, it is dated now.
        (nil, false, 980.0, wall, 1000.0, wall),
        // An uptime ahead of now's (cannot be in the same boot) is not dated in the future.
        (nil, true, 1200.0, wall, 1000.0, wall),
        // Dated back before 2020 (a very long boot): now instead.
        (nil, true, 0.0, wall, 300_000_000.0, wall),
    ])
    func anEventIsDatedFromTheBootClockOnceTheWallClockIsPlausible(
        at: Date?, sameBoot: Bool, uptime: Double, nowWall: Date?, nowUptime: Double, sent: Date?
    ) {
        let entry = Self.entry(at: at ?? Self.early, boot: sameBoot ? Self.thisBoot : "an-older-boot", uptime: uptime)
        let dated = OutboxDating.dated(entry, now: Self.now(wall: nowWall ?? Self.early, uptime: nowUptime))
        #expect(dated?.event.at == sent)
        #expect(dated?.seq == sent.map { _ in entry.seq })
    }

    static let unsynced = OutageReport(
        cause: .powerLoss, start: wall - 4000, end: nil, durationS: nil, precisionS: 60, clockSynced: false,
        uptimeS: 30)

    /// An unsynced outage as sent: the end the agent dates itself once synced, else the uptime at sending.
    @Test(arguments: [
        // Synced and plausible: the end is the boot (now − uptime), the uptime goes.
        (true, 130.0, wall - 130 as Date?, 3870.0 as Double?, nil as Double?, true),
        // Not synced: the collector anchors it, with the uptime at sending (not at spooling).
        (false, 130.0, nil, nil, 130.0, false),
        (false, 130.1234, nil, nil, 130.123, false),
        // Synced, but the boot would be before 2020: left to the collector.
        (true, 300_000_000.0, nil, nil, 300_000_000.0, false),
    ])
    func anUnsyncedOutageIsAnchoredAtSending(
        synced: Bool, uptime: Double, end: Date?, duration: Double?, uptimeS: Double?, clockSynced: Bool
    ) {
        let payload = OutboxDating.reanchored(.outage(Self.unsynced), Self.now(uptime: uptime, synced: synced))
        guard case .outage(let o) = payload else {
            Issue.record("not an outage: \(payload)")
            return
        }
        #expect(o.end == end && o.durationS == duration && o.uptimeS == uptimeS && o.clockSynced == clockSynced)
        #expect(o.start == Self.unsynced.start && o.cause == .powerLoss)
    }

    @Test func whatNeedsNoAnchoringIsSentAsItIs() {
        var dated = Self.unsynced
        dated.end = Self.wall - 100
        dated.uptimeS = nil
        var noUptime = Self.unsynced
        noUptime.uptimeS = nil
        for payload: Event.Payload in [.shutdown, .clockJump(deltaS: 5), .outage(dated), .outage(noUptime)] {
            #expect(OutboxDating.reanchored(payload, Self.now(uptime: 130)) == payload)
        }
        // An outage spooled in another boot keeps its uptime: it was that boot's.
        let other = Self.entry(.outage(Self.unsynced), boot: "an-older-boot")
        #expect(OutboxDating.dated(other, now: Self.now(uptime: 130))?.event.payload == .outage(Self.unsynced))
    }

    /// Entry sizes, byte limit → how many go in the batch.
    @Test(arguments: [
        ([100, 100, 100], 1000, 3),
        ([400, 400, 400], 1000, 2),
        // One event over the limit still goes, alone: it would block the outbox otherwise.
        ([2000, 100], 1000, 1),
        ([500, 500, 1], 1000, 2),
        ([Int](), 1000, 0),
    ])
    func aBatchStaysWithinItsByteLimit(sizes: [Int], maxBytes: Int, count: Int) {
        let entries = sizes.enumerated().map { Self.entry(seq: UInt64($0.offset + 1), size: $0.element) }
        let batch = OutboxDating.nextBatch(entries, now: Self.now(), maxBytes: maxBytes)
        #expect(batch.map(\.seq) == Array(entries.prefix(count).map(\.seq)))
    }

    @Test func aBatchHoldsAtMostTheWireLimitOfEvents() {
        let entries = (1...(EventBatch.maxEvents + 3)).map { Self.entry(seq: UInt64($0), size: 10) }
        let batch = OutboxDating.nextBatch(entries, now: Self.now(), maxBytes: .max)
        #expect(batch.count == EventBatch.maxEvents)
        #expect(OutboxDating.nextBatch(entries, now: Self.now()).count <= EventBatch.maxEvents)
    }

    @Test func anUndatableEventHoldsBackEverythingAfterIt() {
        let entries = [
            Self.entry(seq: 1), Self.entry(at: Self.early, seq: 2), Self.entry(seq: 3),
        ]
        // The wall clock is implausible now: the first goes, the rest waits so that the order holds.
        #expect(OutboxDating.nextBatch(entries, now: Self.now(wall: Self.early)).map(\.seq) == [1])
        let later = OutboxDating.nextBatch(entries, now: Self.now(uptime: 1020))
        #expect(later.map(\.seq) == [1, 2, 3])
        #expect(later[1].event.at == Self.wall - 20)
    }
}
