import Foundation
import Testing

@testable import DowntimeProtocol

@Suite struct WireTimeTests {
    @Test(arguments: [
        ("2026-11-22T08:12:03Z", 1_795_335_123.0),
        ("2026-11-22T08:12:03.250Z", 1_795_335_123.25),
        ("2026-11-22T09:12:03+01:00", 1_795_335_123.0),
        ("2026-11-22T03:12:03-05:00", 1_795_335_123.0),
        ("2024-02-29T00:00:00Z", 1_709_164_800.0),
    ])
    func parsesKnownTimes(text: String, epoch: Double) throws {
        let date = try #require(WireTime.parse(text))
        #expect(abs(date.timeIntervalSince1970 - epoch) < 0.0005)
    }

    @Test(arguments: [
        "", "2026-11-22", "2026-11-22 08:12:03Z", "2026-13-01T00:00:00Z", "2023-02-29T00:00:00Z",
        "2026-11-22T24:00:00Z", "2026-11-22T08:12:03", "2026-11-22T08:12:03.Z", "2026-11-22T08:12:03Zjunk",
        "2026-11-22T08:12:03+1:00", "２026-11-22T08:12:03Z",
    ])
    func refusesMalformedTimes(text: String) {
        #expect(WireTime.parse(text) == nil)
    }

    @Test func formatRoundTrips() throws {
        for epoch in stride(from: 1_577_836_800.0, to: 4_102_444_800.0, by: 7_777_777.123) {
            let date = Date(timeIntervalSince1970: (epoch * 1000).rounded(.down) / 1000)
            let text = WireTime.format(date)
            #expect(text.hasSuffix("Z"))
            let back = try #require(WireTime.parse(text))
            #expect(abs(back.timeIntervalSince1970 - date.timeIntervalSince1970) < 0.0005, "\(text)")
        }
    }

    @Test func formatsWithOffset() {
        let date = Date(timeIntervalSince1970: 1_795_335_123)
        #expect(WireTime.format(date) == "2026-11-22T08:12:03.000Z")
        #expect(WireTime.format(date, offsetSeconds: 3600, millis: false) == "2026-11-22T09:12:03+01:00")
        #expect(WireTime.format(date, offsetSeconds: -9000, millis: false) == "2026-11-22T05:42:03-02:30")
    }
}

@Suite struct DeviceNameTests {
    @Test(arguments: [
        ("pi-kitchen", "pi-kitchen"), ("NAS.Local", "nas.local"), ("0", "0"),
        ("a_b-c.d", "a_b-c.d"), (String(repeating: "x", count: 63), String(repeating: "x", count: 63)),
    ])
    func acceptsAndLowercases(raw: String, expected: String) {
        #expect(DeviceName.normalize(raw) == expected)
    }

    @Test(arguments: [
        "", "-pi", ".pi", "_pi", "pi kitchen", "pi/../etc", "pi%2f", "<script>", "pié",
        String(repeating: "x", count: 64), "pi\u{0}", "İstanbul",
    ])
    func refusesBadNames(raw: String) {
        #expect(DeviceName.normalize(raw) == nil)
    }
}
