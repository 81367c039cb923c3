import CurlClient
import DowntimeProtocol
import Foundation
import Logging
import Synchronization
import Testing

@testable import CollectorCore
@testable import CollectorRules

/// Digests sent once (issue #28), on both stores: the slot sent is stored, a new `Digests` (a restart, a new leader)
/// sends what fell due meanwhile and never one already sent.
@Suite struct DigestsTests {
    /// Monday 2026-12-07 08:00 UTC.
    static let slot = Date(timeIntervalSince1970: 1_796_630_400)

    final class Outbox: Sendable {
        let bodies = Mutex<[String]>([])
        var count: Int { bodies.withLock { $0.count } }
    }

    static func digests(_ store: any Store, outbox: Outbox, option: String = "daily@08:00") async throws -> Digests {
        let spec = try NotifierSpec.parse("hook=webhook http://127.0.0.1:9/ digest=\(option)")
        let notifier = Notifier(
            specs: [spec], planner: NotificationPlanner(), store: store, logger: Logger(label: "test"), backoff: [],
            send: { request in
                outbox.bodies.withLock { $0.append(String(decoding: request.body, as: UTF8.self)) }
                return CurlResponse(status: 200, body: [])
            })
        let source = try await DigestSource.standalone(
            store: store,
            settings: .init(policy: LivenessPolicy(), defaultInterval: 10, maintenance: [], time: .utc))
        return Digests(
            specs: [spec], notifier: notifier, source: source, store: store, time: .utc, logger: Logger(label: "test"))
    }

    /// Waits for the deliveries started (they run in tasks of their own).
    static func delivered(_ outbox: Outbox, _ n: Int) async {
        for _ in 0..<200 where outbox.count < n { try? await Task.sleep(for: .milliseconds(10)) }
    }

    @Test(arguments: Backend.all) func sentOnceAtItsTimeAndNotAgainAfterARestart(_ backend: Backend) async throws {
        let h = try StoreHandle.fresh(backend)
        defer { h.remove() }
        let store = try await h.open()
        let log = try #require(store as? any DigestLog)
        let outbox = Outbox()
        let first = try await Self.digests(store, outbox: outbox)
        // First sight at 07:00: a baseline (yesterday's slot), nothing sent.
        await first.tick(now: Self.slot - 3600)
        #expect(try await log.digestSent(channel: "hook") == Self.slot - 86_400)
        await first.tick(now: Self.slot - 1)
        await first.tick(now: Self.slot)
        await first.tick(now: Self.slot + 1)
        await Self.delivered(outbox, 1)
        #expect(outbox.count == 1)
        #expect(outbox.bodies.withLock { $0.first?.contains("\"event\":\"digest\"") } == true)
        #expect(try await log.digestSent(channel: "hook") == Self.slot)
        // A restart: nothing again for today; tomorrow's, once, when the collector was away at its time.
        let second = try await Self.digests(try await h.open(), outbox: outbox)
        await second.tick(now: Self.slot + 60)
        await second.tick(now: Self.slot + 86_400 + 600)
        await second.tick(now: Self.slot + 86_400 + 601)
        await Self.delivered(outbox, 2)
        try await Task.sleep(for: .milliseconds(50))
        #expect(outbox.count == 2)
        // The first instance (a collector that lost the lead) sees the store's word and does not send it again.
        await first.tick(now: Self.slot + 86_400 + 700)
        try await Task.sleep(for: .milliseconds(50))
        #expect(outbox.count == 2)
    }

    @Test(arguments: Backend.all) func theStoredSlotNeverMovesBack(_ backend: Backend) async throws {
        let h = try StoreHandle.fresh(backend)
        defer { h.remove() }
        let log = try #require(try await h.open() as? any DigestLog)
        #expect(try await log.digestSent(channel: "mail") == nil)
        try await log.setDigestSent(channel: "mail", slot: Self.slot)
        try await log.setDigestSent(channel: "mail", slot: Self.slot - 86_400)
        try await log.setDigestSent(channel: "phone", slot: Self.slot - 7 * 86_400)
        let again = try #require(try await h.open() as? any DigestLog)
        #expect(try await again.digestSent(channel: "mail") == Self.slot)
        #expect(try await again.digestSent(channel: "phone") == Self.slot - 7 * 86_400)
    }

    @Test(arguments: Backend.all) func aDayOnAClockAheadIsSentAndTheRealDayStillGetsItsOwn(_ backend: Backend)
        async throws
    {
        let h = try StoreHandle.fresh(backend)
        defer { h.remove() }
        let store = try await h.open()
        let log = try #require(store as? any DigestLog)
        let outbox = Outbox()
        let digests = try await Self.digests(store, outbox: outbox)
        await digests.tick(now: Self.slot + 3600) // the baseline: today's slot
        // The collector's clock a day ahead: tomorrow's slot looks passed, its digest goes.
        await digests.tick(now: Self.slot + 86_400 + 3600)
        await Self.delivered(outbox, 1)
        #expect(outbox.count == 1)
        #expect(try await log.digestSent(channel: "hook") == Self.slot + 86_400)
        // Back to the real clock: the record goes back to today's slot, nothing is sent.
        await digests.tick(now: Self.slot + 3700)
        #expect(try await log.digestSent(channel: "hook") == Self.slot)
        // A record in the past is never moved by a rewind; one ahead of now is, and says so.
        #expect(try await log.rewindDigestSent(channel: "hook", slot: Self.slot - 86_400, now: Self.slot - 60))
        try await log.setDigestSent(channel: "hook", slot: Self.slot)
        #expect(try await !log.rewindDigestSent(channel: "hook", slot: Self.slot - 86_400, now: Self.slot + 3700))
        // Tomorrow, for real: its digest, once.
        await digests.tick(now: Self.slot + 86_400 + 5)
        await digests.tick(now: Self.slot + 86_400 + 6)
        await Self.delivered(outbox, 2)
        try await Task.sleep(for: .milliseconds(50))
        #expect(outbox.count == 2)
    }

    @Test func aBadDigestOptionIsRefusedNamingIt() {
        #expect(throws: WireValidationError.self) {
            try NotifierSpec.parse("mail=webhook http://x/ digest=daily@25:00")
        }
        do {
            _ = try NotifierSpec.parse("mail=webhook http://x/ digest=weekly@08:00")
        } catch {
            #expect("\(error)".contains("mail: digest must be daily@HH:MM or weekly@dddHH:MM"))
        }
        let spec = try? NotifierSpec.parse("mail=webhook http://x/ digest=weekly@mon08:00")
        #expect(spec?.digest?.text == "weekly@mon08:00")
    }
}
