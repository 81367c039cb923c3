import DowntimeProtocol
import Foundation
import Testing

@testable import AgentCore

/// `downtime-agent maintenance` leaves its event in `outbox-drop/`; the running agent moves it into its outbox.
@Suite struct OutboxDropTests {
    static let t0 = Date(timeIntervalSince1970: 1_796_677_200)

    static func announcement(at: Date) -> Event {
        Event(
            device: "pi-1", at: at, bootID: "b1",
            payload: .maintenanceStart(MaintenanceAnnouncement(start: at, end: at + 1_800, reason: "upgrade")))
    }

    @Test func droppedEventsMoveIntoTheOutboxOldestFirstAndOnce() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let drop = OutboxDrop(stateDir: dir.path)
        let later = Self.announcement(at: Self.t0 + 60)
        let end = Event(device: "pi-1", at: Self.t0 + 120, bootID: "b1", payload: .maintenanceEnd(back: false))
        let first = Self.announcement(at: Self.t0)
        for e in [later, end, first] { try drop.put(e, bootID: "b1", uptime: 10) }
        let outbox = try Outbox(directory: dir.file("outbox"))
        // Already in the outbox (moved before a crash, the file left): not added twice.
        try outbox.enqueue(later, bootID: "b1", uptime: 10)
        try drop.adopt(into: outbox)
        #expect(outbox.entries.map(\.event.id) == [later.id, first.id, end.id])
        #expect(try FileManager.default.contentsOfDirectory(atPath: drop.directory).isEmpty)
        // On disk: a restart finds them.
        #expect(try Outbox(directory: dir.file("outbox")).entries.map(\.event) == [later, first, end])
        try drop.adopt(into: outbox)
        #expect(outbox.count == 3)
    }

    @Test func sentEventsAreRemovedAndAMissingFolderIsNothing() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let drop = OutboxDrop(stateDir: dir.path)
        let outbox = try Outbox(directory: dir.file("outbox"))
        try drop.adopt(into: outbox)
        #expect(outbox.isEmpty)
        let e = Self.announcement(at: Self.t0)
        try drop.put(e, bootID: "b1", uptime: 1)
        drop.remove(e.id)
        try drop.adopt(into: outbox)
        #expect(outbox.isEmpty)
    }
}
