import Foundation
import Testing

@testable import CollectorRules

/// Cron expressions (issue #31) against crontab(5)'s behaviour, the expected times worked out by hand; a frozen
/// clock (the `after` instant), no sleeps.
@Suite struct CronScheduleTests {
    let utcZone = TimeZone(identifier: "UTC")!
    let berlin = TimeZone(identifier: "Europe/Berlin")!

    static func utc(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text)!
    }

    // 2026-12-07 is a Monday.
    @Test(arguments: [
        ("0 3 * * *", "2026-12-07T10:00:00Z", "2026-12-08T03:00:00Z"),
        ("*/15 * * * *", "2026-12-07T10:07:00Z", "2026-12-07T10:15:00Z"),
        ("*/15 * * * *", "2026-12-07T10:15:00Z", "2026-12-07T10:30:00Z"),
        ("1-5/2 * * * *", "2026-12-07T10:00:00Z", "2026-12-07T10:01:00Z"),
        ("1-5/2 * * * *", "2026-12-07T10:01:00Z", "2026-12-07T10:03:00Z"),
        ("1-5/2 * * * *", "2026-12-07T10:05:00Z", "2026-12-07T11:01:00Z"),
        ("0 9 * * mon-fri", "2026-12-11T10:00:00Z", "2026-12-14T09:00:00Z"),
        ("0 0 * * 7", "2026-12-07T00:00:00Z", "2026-12-13T00:00:00Z"),
        ("0 0 * * 0", "2026-12-07T00:00:00Z", "2026-12-13T00:00:00Z"),
        ("0 0 * * sun", "2026-12-07T00:00:00Z", "2026-12-13T00:00:00Z"),
        ("0 0 * * 5-7", "2026-12-07T00:00:00Z", "2026-12-11T00:00:00Z"),
        // Vixie: both day fields restricted, either matches (1 January 2027 is a Friday).
        ("0 0 1 * mon", "2026-12-07T00:00:00Z", "2026-12-14T00:00:00Z"),
        ("0 0 1 * mon", "2026-12-28T12:00:00Z", "2027-01-01T00:00:00Z"),
        // A day-of-month beginning with `*` is not restricted: both must match (21 December 2026 is a Monday).
        ("0 0 */10 * mon", "2026-12-07T00:00:00Z", "2026-12-21T00:00:00Z"),
        ("0 0 31 * *", "2026-12-07T00:00:00Z", "2026-12-31T00:00:00Z"),
        ("0 0 31 * *", "2027-01-31T00:00:00Z", "2027-03-31T00:00:00Z"),
        ("0 12 29 feb *", "2026-03-01T00:00:00Z", "2028-02-29T12:00:00Z"),
        ("30 4 1,15 jan-mar *", "2026-12-07T00:00:00Z", "2027-01-01T04:30:00Z"),
        ("30 4 1,15 JAN-MAR *", "2027-01-01T04:30:00Z", "2027-01-15T04:30:00Z"),
        ("0 0 1 jun *", "2026-12-07T00:00:00Z", "2027-06-01T00:00:00Z"),
        ("@hourly", "2026-12-07T10:30:00Z", "2026-12-07T11:00:00Z"),
        ("@daily", "2026-12-07T10:30:00Z", "2026-12-08T00:00:00Z"),
        ("@weekly", "2026-12-07T10:30:00Z", "2026-12-13T00:00:00Z"),
        ("@monthly", "2026-12-07T10:30:00Z", "2027-01-01T00:00:00Z"),
        ("@yearly", "2026-12-07T10:30:00Z", "2027-01-01T00:00:00Z"),
        ("59 23 31 12 *", "2026-12-31T23:59:00Z", "2027-12-31T23:59:00Z"),
        ("0,30 8-10 * * *", "2026-12-07T08:45:00Z", "2026-12-07T09:00:00Z"),
        ("0,30 8-10 * * *", "2026-12-07T10:30:00Z", "2026-12-08T08:00:00Z"),
    ])
    func nextRunInUTC(expression: String, after: String, expected: String) throws {
        let cron = try CronSchedule(expression)
        #expect(cron.next(after: Self.utc(after), in: utcZone) == Self.utc(expected))
    }

    // Berlin 2026: spring forward 29 March 02:00 CET -> 03:00 CEST (01:00Z); fall back 25 October 03:00 CEST ->
    // 02:00 CET (01:00Z).
    @Test(arguments: [
        // A fixed time skipped by spring-forward runs at the first minute after the gap, once.
        ("30 2 * * *", "2026-03-28T12:00:00Z", "2026-03-29T01:00:00Z"),
        ("30 2 * * *", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"),
        ("0,15,30,45 2 * * *", "2026-03-28T12:00:00Z", "2026-03-29T01:00:00Z"),
        ("0,15,30,45 2 * * *", "2026-03-29T01:00:00Z", "2026-03-30T00:00:00Z"),
        // A fixed time in the repeated hour runs at its first pass only.
        ("30 2 * * *", "2026-10-24T12:00:00Z", "2026-10-25T00:30:00Z"),
        ("30 2 * * *", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"),
        // Local times keep their wall time across the change.
        ("0 8 * * *", "2026-03-28T07:00:00Z", "2026-03-29T06:00:00Z"),
        ("0 8 * * *", "2026-10-24T06:00:00Z", "2026-10-25T07:00:00Z"),
        // A clock-following job runs at each instant the wall time exists: both passes, none in the gap.
        ("*/30 * * * *", "2026-10-25T00:30:00Z", "2026-10-25T01:00:00Z"),
        ("*/30 * * * *", "2026-10-25T01:00:00Z", "2026-10-25T01:30:00Z"),
        ("0 * * * *", "2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z"),
        ("0 * * * *", "2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z"),
        ("*/30 * * * *", "2026-03-29T00:30:00Z", "2026-03-29T01:00:00Z"),
        ("15 * * * *", "2026-03-29T00:15:00Z", "2026-03-29T01:15:00Z"),
    ])
    func nextRunAcrossDSTInBerlin(expression: String, after: String, expected: String) throws {
        let cron = try CronSchedule(expression)
        #expect(cron.next(after: Self.utc(after), in: berlin) == Self.utc(expected))
    }

    @Test(arguments: [
        ("60 * * * *", CronSchedule.Field.minute), ("* 24 * * *", .hour), ("* * 0 * *", .dayOfMonth),
        ("* * 32 * *", .dayOfMonth), ("* * * 13 *", .month), ("* * * foo *", .month), ("* * * * 8", .dayOfWeek),
        ("* * * * xyz", .dayOfWeek), ("5-1 * * * *", .minute), ("*/0 * * * *", .minute), ("5/10 * * * *", .minute),
        ("1,,2 * * * *", .minute), ("* * * * mon-", .dayOfWeek), ("0 0 30 2 *", .dayOfMonth), ("-1 * * * *", .minute),
        ("* 1-2-3 * * *", .hour), ("* * * * */x", .dayOfWeek),
    ])
    func aBadFieldIsNamed(expression: String, field: CronSchedule.Field) {
        #expect(throws: CronSchedule.ParseError.self) { try CronSchedule(expression) }
        do {
            _ = try CronSchedule(expression)
        } catch {
            #expect(error.field == field)
            #expect(error.description.hasPrefix(field.rawValue + ": "))
        }
    }

    @Test(arguments: ["", "* * * *", "* * * * * *", "@weekdays"])
    func aWrongShapeIsRefused(expression: String) {
        #expect(throws: CronSchedule.ParseError.self) { try CronSchedule(expression) }
    }

    @Test func aDayOfMonthOnlySomeMonthsHaveIsKept() throws {
        // February 30 never happens, but with a weekday (Vixie: either) the schedule runs on February's Mondays
        // (1 February 2027 is one).
        let cron = try CronSchedule("0 0 30 2 mon")
        #expect(cron.next(after: Self.utc("2026-12-07T00:00:00Z"), in: utcZone) == Self.utc("2027-02-01T00:00:00Z"))
    }
}
