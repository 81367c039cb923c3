import Foundation
import Testing

@testable import CollectorRules

/// When digests are due (issue #28), on a frozen clock: local slots across DST changes, weekly ones, a restart.
@Suite struct DigestScheduleTests {
    let berlin = TimeZone(identifier: "Europe/Berlin")!

    func utc(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text)!
    }

    func schedule(_ text: String) throws -> DigestSchedule {
        try #require(DigestSchedule.parse(text))
    }

    @Test(arguments: [
        ("daily@08:00", "daily@08:00"), ("weekly@mon08:00", "weekly@mon08:00"), ("Weekly@SUN23:59", "weekly@sun23:59"),
        ("daily@00:00", "daily@00:00"),
    ])
    func readsTheOption(text: String, canonical: String) throws {
        #expect(try schedule(text).text == canonical)
    }

    @Test(arguments: [
        "daily", "daily@8:00", "daily@24:00", "daily@08:60", "hourly@08:00", "weekly@08:00", "weekly@mo08:00",
        "weekly@xyz08:00", "daily@08:00:00", "", "daily@0800", "daily@08:0a",
    ])
    func refusesAnythingElse(text: String) {
        #expect(DigestSchedule.parse(text) == nil)
    }

    @Test func aDailyDigestStaysAtItsLocalTimeAcrossBothDSTChanges() throws {
        let s = try schedule("daily@08:00")
        // Spring forward (29 March 2026): 08:00 CET, then 08:00 CEST, 23 hours later.
        #expect(s.slot(after: utc("2026-03-28T06:00:00Z"), zone: berlin) == utc("2026-03-28T07:00:00Z"))
        #expect(s.slot(after: utc("2026-03-28T07:00:00Z"), zone: berlin) == utc("2026-03-29T06:00:00Z"))
        #expect(s.slot(atOrBefore: utc("2026-03-29T06:30:00Z"), zone: berlin) == utc("2026-03-29T06:00:00Z"))
        #expect(s.slot(atOrBefore: utc("2026-03-29T05:59:59Z"), zone: berlin) == utc("2026-03-28T07:00:00Z"))
        // Fall back (25 October 2026): 08:00 CEST, then 08:00 CET, 25 hours later.
        #expect(s.slot(after: utc("2026-10-24T06:00:00Z"), zone: berlin) == utc("2026-10-25T07:00:00Z"))
        let period = s.decide(lastSent: utc("2026-10-24T06:00:00Z"), now: utc("2026-10-25T07:00:01Z"), zone: berlin)
        #expect(
            period == .send(period: DateInterval(start: utc("2026-10-24T06:00:00Z"), end: utc("2026-10-25T07:00:00Z"))))
    }

    @Test func aTimeTheChangeSkipsComesAnHourLaterAndARepeatedOneAtItsFirst() throws {
        let s = try schedule("daily@02:30")
        // 02:30 does not exist on 29 March in Berlin: 03:30 CEST.
        #expect(s.slot(after: utc("2026-03-28T12:00:00Z"), zone: berlin) == utc("2026-03-29T01:30:00Z"))
        // 02:30 happens twice on 25 October: the first (CEST), once.
        #expect(s.slot(after: utc("2026-10-24T12:00:00Z"), zone: berlin) == utc("2026-10-25T00:30:00Z"))
        #expect(s.slot(after: utc("2026-10-25T00:30:00Z"), zone: berlin) == utc("2026-10-26T01:30:00Z"))
    }

    @Test func aWeeklyDigestIsOnItsDay() throws {
        let s = try schedule("weekly@mon08:00")
        // Monday 7 December 2026, 08:00 CET.
        #expect(s.slot(after: utc("2026-12-02T12:00:00Z"), zone: berlin) == utc("2026-12-07T07:00:00Z"))
        #expect(s.slot(after: utc("2026-12-07T07:00:00Z"), zone: berlin) == utc("2026-12-14T07:00:00Z"))
        #expect(s.slot(atOrBefore: utc("2026-12-07T06:59:00Z"), zone: berlin) == utc("2026-11-30T07:00:00Z"))
        #expect(
            s.decide(lastSent: utc("2026-11-30T07:00:00Z"), now: utc("2026-12-07T07:00:00Z"), zone: berlin)
                == .send(period: DateInterval(start: utc("2026-11-30T07:00:00Z"), end: utc("2026-12-07T07:00:00Z"))))
        // Across the spring change the week is 167 hours, still Monday 08:00 local.
        #expect(s.slot(after: utc("2026-03-23T07:00:00Z"), zone: berlin) == utc("2026-03-30T06:00:00Z"))
        // In UTC.
        let utcZone = TimeZone(identifier: "UTC")!
        #expect(s.slot(after: utc("2026-12-07T08:00:00Z"), zone: utcZone) == utc("2026-12-14T08:00:00Z"))
    }

    @Test func nothingStoredIsABaselineNotADigestOfThePast() throws {
        let s = try schedule("daily@08:00")
        #expect(
            s.decide(lastSent: nil, now: utc("2026-12-07T10:00:00Z"), zone: berlin)
                == .baseline(slot: utc("2026-12-07T07:00:00Z")))
        #expect(
            s.decide(lastSent: utc("2026-12-07T07:00:00Z"), now: utc("2026-12-07T10:00:00Z"), zone: berlin)
                == .wait(next: utc("2026-12-08T07:00:00Z")))
    }

    @Test func aRestartAfterTheDueTimeSendsItOnceAndManyMissedAreOne() throws {
        let s = try schedule("daily@08:00")
        let yesterday = utc("2026-12-06T07:00:00Z")
        let today = utc("2026-12-07T07:00:00Z")
        // Stopped at 07:50 with yesterday's sent, started at 08:10: today's is due at once.
        #expect(s.decide(lastSent: yesterday, now: today - 600, zone: berlin) == .wait(next: today))
        #expect(
            s.decide(lastSent: yesterday, now: today + 600, zone: berlin)
                == .send(period: DateInterval(start: yesterday, end: today)))
        // Recorded: not again.
        #expect(s.decide(lastSent: today, now: today + 601, zone: berlin) == .wait(next: today + 86_400))
        // Three days away: one digest, of the last day.
        #expect(
            s.decide(lastSent: yesterday - 2 * 86_400, now: today + 5, zone: berlin)
                == .send(period: DateInterval(start: yesterday, end: today)))
    }

    @Test func aClockAheadSendsTheDayItSkippedAndBackTheRealNextSlotStillComes() throws {
        let s = try schedule("daily@08:00")
        let today = utc("2026-12-07T07:00:00Z")
        let tomorrow = today + 86_400
        // 10:00 with today's slot recorded; the collector's clock steps a day ahead: it sees tomorrow's slot passed.
        #expect(
            s.decide(lastSent: today, now: tomorrow + 3 * 3600, zone: berlin)
                == .send(period: DateInterval(start: today, end: tomorrow)))
        // Back to the real 10:01 with tomorrow's slot recorded: the record goes back to today's, nothing is sent,
        // and tomorrow's real slot gets its digest.
        #expect(s.decide(lastSent: tomorrow, now: today + 3 * 3600 + 60, zone: berlin) == .rewind(slot: today))
        #expect(s.decide(lastSent: today, now: today + 3 * 3600 + 61, zone: berlin) == .wait(next: tomorrow))
        #expect(
            s.decide(lastSent: today, now: tomorrow + 5, zone: berlin)
                == .send(period: DateInterval(start: today, end: tomorrow)))
    }

    @Test func aDigestAskedForNowCoversTheDayOrWeekUpToNow() throws {
        let now = utc("2026-12-07T10:00:00Z")
        #expect(try schedule("daily@08:00").period(endingAt: now) == DateInterval(start: now - 86_400, end: now))
        #expect(
            try schedule("weekly@fri17:00").period(endingAt: now) == DateInterval(start: now - 7 * 86_400, end: now))
    }
}
