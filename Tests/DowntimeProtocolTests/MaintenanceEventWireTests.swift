import Foundation
import Testing

@testable import DowntimeProtocol

/// `maintenance_start` and `maintenance_end` on the wire: round trips, and each bad field named.
@Suite struct MaintenanceEventWireTests {
    static let start = """
        {"id":"6f1c1a52-8a43-4a4e-9d59-2b7e0d6c1f00","device":"pi-1","kind":"maintenance_start",
        "at":"2026-12-07T21:00:00Z","boot_id":"b-1","start":"2026-12-07T21:00:00Z","end":"2026-12-07T21:30:00Z",
        "until_back":true,"reason":"kernel upgrade"}
        """

    func field(_ json: String) -> String? {
        do {
            _ = try WireCoding.decode(Event.self, from: Array(json.utf8))
            return nil
        } catch {
            return error.field
        }
    }

    @Test func startAndEndRoundTrip() throws {
        let event = try WireCoding.decode(Event.self, from: Array(Self.start.utf8))
        guard case .maintenanceStart(let m) = event.payload else {
            Issue.record("\(event.payload)")
            return
        }
        #expect(m.untilBack && m.reason == "kernel upgrade" && m.end.timeIntervalSince(m.start) == 1_800)
        #expect(try WireCoding.decode(Event.self, from: try WireCoding.encode(event)) == event)
        let end = Event(device: "pi-1", at: m.start, bootID: "b-2", payload: .maintenanceEnd(back: false))
        let text = String(decoding: try WireCoding.encode(end), as: UTF8.self)
        #expect(!text.contains("until_back"))
        #expect(try WireCoding.decode(Event.self, from: Array(text.utf8)) == end)
        let plain = MaintenanceAnnouncement(start: m.start, end: m.end)
        let bare = Event(device: "pi-1", at: m.start, bootID: "b-1", payload: .maintenanceStart(plain))
        #expect(try WireCoding.decode(Event.self, from: try WireCoding.encode(bare)) == bare)
    }

    @Test(arguments: [
        ("\"end\":\"2026-12-07T21:30:00Z\"", "\"end\":\"2026-12-07T20:30:00Z\"", "end"),
        ("\"end\":\"2026-12-07T21:30:00Z\"", "\"end\":\"2026-12-15T21:30:00Z\"", "end"),
        ("\"end\":\"2026-12-07T21:30:00Z\",", "", "end"),
        ("\"reason\":\"kernel upgrade\"", "\"reason\":\"a\\u0007b\"", "reason"),
        ("\"until_back\":true", "\"until_back\":\"yes\"", "until_back"),
        ("\"boot_id\":\"b-1\",", "", "boot_id"),
        ("\"reason\":\"kernel upgrade\"", "\"reason\":\"x\",\"cause\":\"reboot\"", "cause"),
    ])
    func badFieldsAreNamed(_ original: String, _ replacement: String, _ expected: String) {
        #expect(Self.start.contains(original))
        #expect(field(Self.start.replacingOccurrences(of: original, with: replacement)) == expected)
    }
}
