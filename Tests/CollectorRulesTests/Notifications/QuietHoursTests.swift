import Foundation
import Testing

@testable import CollectorRules

/// Quiet hours (issue #28) on a frozen clock: which times are inside a window across midnight, which messages are
/// held, when a summary is due, across both DST changes.
@Suite struct QuietHoursTests {
    let berlin = TimeZone(identifier: "Europe/Berlin")!

    func utc(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text)!
    }

    func hours(_ text: String) throws -> QuietHours {
        try #require(QuietHours.parse(text))
    }

    @Test(arguments: [("23:00-07:00", "23:00-07:00"), ("09:30-17:05", "09:30-17:05"), ("00:00-23:59", "00:00-23:59")])
    func readsTheOption(text: String, canonical: String) throws {
        #expect(try hours(text).text == canonical)
    }

    @Test(arguments: [
        "", "23:00", "23:00-23:00", "7:00-23:00", "23:00-24:00", "23:60-07:00", "23:00-07:00-08:00", "23:00_07:00",
        "23-07", "ab:cd-07:00",
    ])
    func refusesAnythingElse(text: String) {
        #expect(QuietHours.parse(text) == nil)
    }

    /// Winter in Berlin (CET, UTC+1): 23:00-07:00 local is 22:00-06:00 UTC.
    @Test(arguments: [
        ("23:00-07:00", "2026-12-07T21:59:59Z", false), ("23:00-07:00", "2026-12-07T22:00:00Z", true),
        ("23:00-07:00", "2026-12-07T23:30:00Z", true), ("23:00-07:00", "2026-12-08T01:13:00Z", true),
        ("23:00-07:00", "2026-12-08T05:59:59Z", true), ("23:00-07:00", "2026-12-08T06:00:00Z", false),
        ("23:00-07:00", "2026-12-08T11:00:00Z", false),
        ("09:00-17:00", "2026-12-08T07:59:00Z", false), ("09:00-17:00", "2026-12-08T08:00:00Z", true),
        ("09:00-17:00", "2026-12-08T15:59:00Z", true), ("09:00-17:00", "2026-12-08T16:00:00Z", false),
    ])
    func insideTheWindowOrNot(option: String, at: String, inside: Bool) throws {
        #expect(try hours(option).contains(utc(at), zone: berlin) == inside)
    }

    @Test func aCriticalDevicesDownGoesThroughAndNothingIsHeldOutside() throws {
        let q = try hours("23:00-07:00")
        let night = utc("2026-12-08T01:13:00Z")
        #expect(q.holds(critical: false, now: night, zone: berlin))
        #expect(!q.holds(critical: true, now: night, zone: berlin))
        #expect(!q.holds(critical: false, now: utc("2026-12-08T12:00:00Z"), zone: berlin))
    }

    @Test func theSummaryIsDueOnceWhenTheWindowEnds() throws {
        let q = try hours("23:00-07:00")
        // First seen at 02:00 inside the window: the baseline is yesterday's end, tonight's window is told.
        let start = utc("2026-12-08T01:00:00Z")
        #expect(q.decide(lastSent: nil, now: start, zone: berlin) == .baseline(end: utc("2026-12-07T06:00:00Z")))
        let baseline = utc("2026-12-07T06:00:00Z")
        #expect(q.decide(lastSent: baseline, now: start, zone: berlin) == .wait(next: utc("2026-12-08T06:00:00Z")))
        #expect(
            q.decide(lastSent: baseline, now: utc("2026-12-08T05:59:59Z"), zone: berlin) != .baseline(end: baseline))
        let window = DateInterval(start: utc("2026-12-07T22:00:00Z"), end: utc("2026-12-08T06:00:00Z"))
        #expect(q.decide(lastSent: baseline, now: utc("2026-12-08T06:00:00Z"), zone: berlin) == .send(window: window))
        // Told (recorded): nothing until the next night's end.
        #expect(
            q.decide(lastSent: window.end, now: utc("2026-12-08T06:00:01Z"), zone: berlin)
                == .wait(next: utc("2026-12-09T06:00:00Z")))
        // Told on a clock a day ahead, then back to the real 06:00:01: the end recorded goes back to tonight's, so
        // the real next night is still told.
        let ahead = utc("2026-12-09T06:00:00Z")
        #expect(q.decide(lastSent: ahead, now: utc("2026-12-08T06:00:01Z"), zone: berlin) == .rewind(end: window.end))
        // A collector away for two nights: one summary, the last window's.
        #expect(
            q.decide(lastSent: baseline, now: utc("2026-12-09T09:00:00Z"), zone: berlin)
                == .send(window: DateInterval(start: utc("2026-12-08T22:00:00Z"), end: utc("2026-12-09T06:00:00Z"))))
    }

    @Test func theWindowKeepsItsLocalTimesAcrossBothDSTChanges() throws {
        let q = try hours("23:00-07:00")
        // Fall back (25 October 2026): 23:00 CEST to 07:00 CET, nine hours.
        let autumn = DateInterval(start: utc("2026-10-24T21:00:00Z"), end: utc("2026-10-25T06:00:00Z"))
        #expect(
            q.decide(lastSent: utc("2026-10-24T05:00:00Z"), now: utc("2026-10-25T06:00:01Z"), zone: berlin)
                == .send(window: autumn))
        #expect(autumn.duration == 9 * 3600)
        #expect(q.contains(utc("2026-10-25T05:30:00Z"), zone: berlin)) // 06:30 CET
        #expect(!q.contains(utc("2026-10-24T20:59:00Z"), zone: berlin)) // 22:59 CEST
        // Spring forward (29 March 2026): 23:00 CET to 07:00 CEST, seven hours.
        let spring = q.window(endingAt: utc("2026-03-29T05:00:00Z"), zone: berlin)
        #expect(spring == DateInterval(start: utc("2026-03-28T22:00:00Z"), end: utc("2026-03-29T05:00:00Z")))
        #expect(q.contains(utc("2026-03-29T04:59:00Z"), zone: berlin)) // 06:59 CEST
        #expect(!q.contains(utc("2026-03-29T05:00:00Z"), zone: berlin))
    }
}
