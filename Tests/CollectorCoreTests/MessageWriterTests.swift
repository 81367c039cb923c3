import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorCore

/// The words of planned notifications: a group's direction and a storage problem come typed from the planner.
@Suite struct MessageWriterTests {
    @Test func aGroupSaysWhichWayItsDevicesWentAndStorageNamesItsFolder() async throws {
        let h = try await Harness.make(.sqlite)
        let writer = MessageWriter(reader: h.collector.reader, damp: 600)
        let at = h.clock.now()
        let devices = ["a", "b", "c", "d"]
        let down = await writer.compose(
            .init(
                kind: .group, devices: devices, at: at, reason: "", flips: 0,
                direction: .down))
        #expect(down.title == "4 devices down")
        #expect(
            down.text.hasPrefix(
                "4 devices went down at once: likely a network or collector-side problem (a, b, c, d), at "))
        let up = await writer.compose(
            .init(
                kind: .group, devices: devices, at: at, reason: "", flips: 0,
                direction: .up))
        #expect(up.title == "4 devices back up" && up.text.hasPrefix("4 devices are back up (a, b, c, d), at "))
        let storage = await writer.compose(
            .init(
                kind: .storage, devices: ["pi-1"], at: at, reason: "", flips: 0,
                storage: .init(state: .readOnly, path: "/var/lib/x")))
        #expect(storage.title == "pi-1: storage read-only")
        #expect(storage.text.contains("its storage is read-only since ") && storage.text.contains("(/var/lib/x)"))
        let flapping = await writer.compose(.init(kind: .flapping, devices: ["pi-1"], at: at, reason: "", flips: 3))
        #expect(flapping.text == "pi-1 changed state 3 more times in the last 10 minutes; now unknown.")
    }

    @Test func aUPSEventSaysItsSentence() async throws {
        let h = try await Harness.make(.sqlite)
        let writer = MessageWriter(reader: h.collector.reader, damp: 600)
        var planner = NotificationPlanner()
        planner.observeUPS(
            UPSEvent(
                ups: "myups@localhost:3493", kind: .mainsOut, at: h.clock.now(),
                reading: UPSReading(status: UPSStatus(parsing: "OB DISCHRG"), charge: 73, runtime: 1260)))
        let plans = planner.due(now: h.clock.now(), deviceCount: 0)
        #expect(plans.count == 1)
        let n = await writer.compose(try #require(plans.first))
        #expect(n.kind == .ups && n.devices == ["myups@localhost:3493"])
        #expect(n.title == "UPS myups@localhost:3493: mains out, on battery")
        #expect(n.text.hasPrefix("UPS myups@localhost:3493: mains out; UPS on battery, 73 %, 21 min left (at "))
    }

    @Test func thePlannerGivesAGroupItsDirection() {
        var planner = NotificationPlanner(damp: 600, groupWindow: 10, settle: 30)
        let start = Date(timeIntervalSince1970: 1_795_335_000)
        let names = ["a", "b", "c", "d"]
        let downs = names.map { FlipChange.flip($0, from: .up, to: .down, at: start, reason: "no heartbeat") }
        planner.observe(downs, now: start)
        let toldDown = planner.due(now: start + 10, deviceCount: 4)
        #expect(toldDown.map(\.kind) == [.group] && toldDown.first?.direction == .down)
        let ups = names.map { FlipChange.flip($0, from: .down, to: .up, at: start + 20, reason: "beat") }
        planner.observe(ups, now: start + 20)
        let toldUp = planner.due(now: start + 50, deviceCount: 4)
        #expect(toldUp.map(\.kind) == [.group] && toldUp.first?.direction == .up)
    }
}
