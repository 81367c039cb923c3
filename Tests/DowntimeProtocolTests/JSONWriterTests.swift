import DowntimeProtocol
import Foundation
import Testing

/// The hand-written device-list JSON says exactly what `JSONEncoder` says.
@Suite struct JSONWriterTests {
    static let t = Date(timeIntervalSince1970: 1_795_335_000.125)

    static let views: [DeviceView] = [
        DeviceView(
            name: "pi-new", status: .new, lastSeen: nil, intervalS: 10, agentVersion: nil, bootID: nil, clockSkewS: nil,
            clockSynced: nil, uptimeS: nil, currentOutage: nil, lastOutage: nil,
            uptime: UptimeView(day: nil, week: nil, month: nil), tags: []),
        DeviceView(
            name: "pi-kitchen", status: .down, lastSeen: t, intervalS: 300, agentVersion: "0.1.0 \"beta\"\\\n\t\u{1}é✓",
            bootID: "0b5d7a3e-1c2d", clockSkewS: -0.000012, clockSynced: false, uptimeS: 86_400,
            currentOutage: OutageView(start: t, end: nil, durationS: 12.5, cause: .unknown, source: "collector"),
            lastOutage: OutageView(
                start: t - 7200, end: t - 3600, durationS: 3600, cause: .powerLoss, source: "merged"),
            uptime: UptimeView(day: 0.999, week: 1, month: 1e-7), tags: ["office", "a/b", "<tag>"],
            storage: StorageWarning(
                state: .readOnly, path: "/var/lib/\"agent\"/é", since: t - 60, unsavedEvents: 2,
                error: "create /x: Read-only file system"),
            health: DeviceHealth(
                underVoltageNow: true, underVoltageSinceBoot: true, throttledNow: false,
                throttledSinceBoot: true, freqCappedSinceBoot: false, tempC: 71.3)),
        DeviceView(
            name: "nas.lan", status: .up, lastSeen: t + 1, intervalS: 1, agentVersion: "x", bootID: "",
            clockSkewS: 3.25,
            clockSynced: true, uptimeS: 0.5, currentOutage: nil, lastOutage: nil,
            uptime: UptimeView(day: 0, week: nil, month: 0.5), tags: ["solo"],
            storage: StorageWarning(state: .full, path: "/s", since: t, unsavedEvents: 0),
            health: DeviceHealth(tempC: -4)),
        {
            var v = DeviceView(
                name: "pi-maint", status: .paused, lastSeen: t, intervalS: 10, agentVersion: "x", bootID: "b",
                clockSkewS: 0, clockSynced: true, uptimeS: 5, currentOutage: nil, lastOutage: nil,
                uptime: UptimeView(day: 1, week: 1, month: 1), tags: [])
            v.maintenance = MaintenanceAnnouncement(
                start: t, end: t + 1_800, untilBack: true, reason: "kernel \"upgrade\" é")
            return v
        }(),
    ]

    static func tree(_ bytes: [UInt8]) throws -> NSDictionary {
        try #require(JSONSerialization.jsonObject(with: Data(bytes)) as? NSDictionary)
    }

    @Test(arguments: [nil, "pi-kitchen"] as [String?])
    func sameJSONAsTheEncoder(next: String?) throws {
        let list = DeviceList(devices: Self.views, next: next)
        let written = list.jsonBytes()
        #expect(try Self.tree(written) == Self.tree(try WireCoding.encode(list)))
        #expect(try WireCoding.decode(DeviceList.self, from: written) == list)
    }

    @Test func emptyList() throws {
        #expect(
            String(decoding: DeviceList(devices: [], next: nil).jsonBytes(), as: UTF8.self)
                == #"{"devices":[],"next":null}"#)
    }

    @Test(arguments: [
        (0.0, "0"), (86_400, "86400"), (-3.5, "-3.5"), (0.1, "0.1"), (1e-7, "1e-07"), (.nan, "null"),
        (.infinity, "null"),
    ])
    func numbers(value: Double, text: String) {
        var w = JSONWriter()
        w.double(value)
        #expect(String(decoding: w.bytes, as: UTF8.self) == text)
    }
}
