import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorCore
@testable import CollectorRules

/// Acknowledgements, snoozes, critical marks and acknowledge links (issue #28) on both stores: kept across a reopen
/// (a collector restart), refused for unknown devices, a link used once and expired with its outage.
@Suite struct AlertStoreTests {
    let t0 = Date(timeIntervalSince1970: 1_795_335_000)

    func fresh(_ backend: Backend) async throws -> (StoreHandle, any Store) {
        try await StoreHandle.withDevices(backend, ["pi-1", "pi-2"], createdAt: t0)
    }

    @Test(arguments: Backend.all) func theMarksAreKeptAcrossAReopenAndGoWithTheirDevice(_ backend: Backend)
        async throws
    {
        let (h, s) = try await fresh(backend)
        defer { h.remove() }
        #expect(try await s.deviceAlerts() == DeviceAlerts())
        #expect(try await s.setCritical(true, device: "pi-1"))
        #expect(try await s.setSnoozed(until: t0 + 3600, device: "pi-1"))
        #expect(try await s.setSnoozed(until: t0 + 60, device: "pi-2"))
        let ack = DeviceAlerts.Ack(since: t0 - 100, at: t0, by: "ann")
        #expect(try await s.acknowledge(device: "pi-2", ack))
        #expect(try await s.setCritical(true, device: "nope") == false)
        #expect(try await s.setSnoozed(until: t0, device: "nope") == false)
        #expect(try await s.acknowledge(device: "nope", ack) == false)
        let reopened = try await h.open()
        let alerts = try await reopened.deviceAlerts()
        #expect(alerts.critical == ["pi-1"])
        #expect(alerts.snoozedUntil == ["pi-1": t0 + 3600, "pi-2": t0 + 60])
        #expect(alerts.acks == ["pi-2": ack])
        // Cleared, and gone with the device.
        #expect(try await reopened.setSnoozed(until: nil, device: "pi-1"))
        #expect(try await reopened.setCritical(false, device: "pi-1"))
        #expect(try await reopened.deviceAlerts().snoozedUntil == ["pi-2": t0 + 60])
        #expect(try await reopened.deviceAlerts().critical.isEmpty)
        #expect(try await reopened.removeDevice(named: "pi-2"))
        #expect(try await reopened.deviceAlerts() == DeviceAlerts())
    }

    @Test(arguments: Backend.all) func aLinkIsUsedOnceAndExpiresWithItsOutage(_ backend: Backend) async throws {
        let (h, s) = try await fresh(backend)
        defer { h.remove() }
        let admin = AlertAdmin(store: s, clock: ManualClock(t0 + 60))
        await #expect(throws: AdminError.notDown("pi-1")) { try await admin.acknowledge(device: "pi-1", by: "ann") }
        await #expect(throws: AdminError.noDevice("nope")) { try await admin.acknowledge(device: "nope", by: "ann") }
        await #expect(throws: AdminError.invalidSnooze) { _ = try await admin.snooze(device: "pi-1", for: "soon") }
        await #expect(throws: AdminError.invalidSnooze) { _ = try await admin.snooze(device: "pi-1", for: "31d") }
        _ = try await s.recordFlips([
            NotificationPlannerTests.flip("pi-1", "new", "down", at: t0),
            NotificationPlannerTests.flip("pi-2", "new", "down", at: t0),
        ])
        let token = Tokens.generate()
        let outages = ["pi-1", "pi-2"].map { AckLink.Outage(device: $0, since: t0) }
        try await s.addAckLink(AckLink(hash: Tokens.hash(token), outages: outages, createdAt: t0 + 10))
        #expect(try await s.ackLink(hash: Tokens.hash(token))?.outages == outages)
        #expect(try await admin.useLink(token: "dtm_unknown", by: "link") == .unknown)
        #expect(try await admin.peekLink(token: token) == .acknowledged(["pi-1", "pi-2"]))
        #expect(try await admin.useLink(token: token, by: "link") == .acknowledged(["pi-1", "pi-2"]))
        #expect(try await admin.useLink(token: token, by: "link") == .used)
        let acks = try await h.open().deviceAlerts().acks
        #expect(acks["pi-1"] == DeviceAlerts.Ack(since: t0, at: t0 + 60, by: "link"))
        let record = try #require(try await s.device(named: "pi-2"))
        #expect(try await admin.state(of: record).acknowledged?.by == "link")

        // A link whose outage ended: expired.
        let late = Tokens.generate()
        try await s.addAckLink(AckLink(hash: Tokens.hash(late), outages: [outages[0]], createdAt: t0 + 20))
        _ = try await s.recordFlips([NotificationPlannerTests.flip("pi-1", "down", "up", at: t0 + 50)])
        #expect(try await admin.useLink(token: late, by: "link") == .expired)
        await #expect(throws: AdminError.notDown("pi-1")) { try await admin.acknowledge(device: "pi-1", by: "ann") }
        // The CLI's ack of a device down now, and the state the pages show.
        #expect(try await admin.acknowledge(device: "pi-2", by: "root (CLI)") == "pi-2")
        let (_, until) = try await admin.snooze(device: "pi-2", for: "2h")
        #expect(until == t0 + 60 + 7200)
        let state = try await admin.state(of: try #require(try await s.device(named: "pi-2")))
        #expect(state.acknowledged?.by == "root (CLI)" && state.snoozedUntil == t0 + 7260 && !state.critical)
    }
}
