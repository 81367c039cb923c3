import Foundation
import Testing

@testable import CollectorCore
@testable import CollectorRules

@Suite struct LocalTimeTests {
    func zone(_ id: String) throws -> LocalTime { LocalTime(try #require(TimeZone(identifier: id))) }
    /// 2026-12-01 01:13 UTC (winter) and 2026-07-01 01:13 UTC (summer).
    let winter = Date(timeIntervalSince1970: 1_796_087_580)
    let summer = Date(timeIntervalSince1970: 1_782_868_380)

    @Test func theTzDatabasesOwnNamesNotGMTOffsets() throws {
        let berlin = try zone("Europe/Berlin")
        #expect(berlin.stamp(winter) == "2026-12-01 02:13 CET")
        #expect(berlin.stamp(summer) == "2026-07-01 03:13 CEST")
        #expect(try zone("America/New_York").stamp(winter) == "2026-11-30 20:13 EST")
        #expect(try zone("Asia/Kolkata").stamp(winter) == "2026-12-01 06:43 IST")
        #expect(try zone("UTC").stamp(winter) == "2026-12-01 01:13 UTC")
        #expect(LocalTime.utc.stamp(winter) == "2026-12-01 01:13 UTC")
    }

    @Test func aSpanAcrossTheDaylightSavingChangeNamesBothZones() throws {
        let berlin = try zone("Europe/Berlin")
        // 2026-10-25 00:30 UTC (02:30 CEST) to 01:30 UTC (02:30 CET): the clocks went back at 01:00 UTC.
        let start = Date(timeIntervalSince1970: 1_792_888_200)
        #expect(berlin.span(start, start + 3600) == "2026-10-25 02:30 CEST–02:30 CET")
        #expect(berlin.span(winter, winter + 9480) == "2026-12-01 02:13–04:51 CET")
        #expect(berlin.span(winter, winter + 86_400) == "2026-12-01 02:13–2026-12-02 02:13 CET")
        // Spring: 2026-03-29 00:30 UTC is 01:30 CET; an hour later it is 03:30 CEST.
        let spring = Date(timeIntervalSince1970: 1_774_744_200)
        #expect(berlin.span(spring, spring + 3600) == "2026-03-29 01:30 CET–03:30 CEST")
    }

    @Test func aZoneWithoutItsFileFallsBackToTheOffset() throws {
        let t = LocalTime(try #require(TimeZone(identifier: "Europe/Berlin")), zoneinfo: "/nonexistent")
        #expect(t.stamp(winter) == "2026-12-01 02:13 UTC+1")
        let india = LocalTime(try #require(TimeZone(identifier: "Asia/Kolkata")), zoneinfo: "/nonexistent")
        #expect(india.abbreviation(winter) == "UTC+5:30")
    }

    @Test func theZoneIsTheSettingElseTZElseEtcLocaltime() throws {
        #expect(LocalTime.zone(named: "Europe/Berlin", environment: [:])?.identifier == "Europe/Berlin")
        #expect(LocalTime.zone(named: "Mars/Olympus", environment: [:]) == nil)
        #expect(LocalTime.zone(named: nil, environment: ["TZ": ":America/New_York"])?.identifier == "America/New_York")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tz-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createSymbolicLink(
            atPath: dir + "/localtime", withDestinationPath: "/usr/share/zoneinfo/Asia/Tokyo")
        #expect(LocalTime.zone(named: nil, environment: [:], localtime: dir + "/localtime")?.identifier == "Asia/Tokyo")
        #expect(LocalTime.zone(named: nil, environment: [:], localtime: dir + "/none")?.secondsFromGMT() == 0)
    }

    @Test func aBadZoneIsOneLineNamingTheSetting() throws {
        #expect {
            try CollectorConfig.resolve([[.timezone: "Europe/Berln"]])
        } throws: { error in
            (error as? ConfigError)?.description.hasPrefix("DOWNTIME_TIMEZONE: must be a time zone") == true
        }
        #expect(
            try CollectorConfig.resolve([[.timezone: "Europe/Berlin"]]).localTime.zone.identifier == "Europe/Berlin")
    }

    @Test func messagesTellTimesInTheZone() throws {
        let berlin = try zone("Europe/Berlin")
        let i = Incident(
            id: "power_cut-house-1", kind: .powerCut, site: "house", start: winter, end: winter + 9480,
            members: [
                .init(device: "cam-pi", start: winter, end: winter + 9480, cause: .powerLoss),
                .init(device: "hall-pi", start: winter, end: winter + 9000, cause: .powerLoss),
            ], unaffected: [], collectorDown: false)
        let text = MessageWriter.incident(i, time: berlin).text
        #expect(text.contains("2026-12-01 02:13–04:51 CET (2h 38m)"), "\(text)")
        #expect(MessageWriter.test(at: summer, time: berlin).text.contains("sent at 2026-07-01 03:13 CEST"))
    }
}
