import Foundation
import Testing

@testable import CollectorCore
@testable import CollectorRules

/// Reminders on a frozen clock (issue #28): every spacing since the down, per channel, none after the return.
@Suite struct RemindersTests {
    let t0 = Date(timeIntervalSince1970: 1_796_000_000)

    func names(_ due: [Reminders.Due]) -> [String] {
        due.flatMap { d in d.devices.map { "\(d.channel):\($0.name)" } }
    }

    @Test func everySpacingWhileDownAndNoneAfter() {
        var r = Reminders(every: ["phone": 3600])
        let down = ["pi-shed": t0]
        #expect(r.due(down: down, now: t0 + 3599).isEmpty)
        #expect(names(r.due(down: down, now: t0 + 3600)) == ["phone:pi-shed"])
        #expect(r.due(down: down, now: t0 + 3601).isEmpty) // once per spacing
        #expect(r.due(down: down, now: t0 + 7199).isEmpty)
        #expect(names(r.due(down: down, now: t0 + 7200)) == ["phone:pi-shed"])
        // Back up: nothing; down again later: counted from the new down.
        #expect(r.due(down: [:], now: t0 + 10_800).isEmpty)
        let again = ["pi-shed": t0 + 20_000]
        #expect(r.due(down: again, now: t0 + 21_000).isEmpty)
        #expect(names(r.due(down: again, now: t0 + 23_600)) == ["phone:pi-shed"])
    }

    @Test func noReminderBeforeTheDownMessageHadItsTime() {
        var r = Reminders(every: ["phone": 5], hold: 12)
        let down = ["pi": t0]
        #expect(r.due(down: down, now: t0 + 5).isEmpty && r.due(down: down, now: t0 + 10).isEmpty)
        #expect(names(r.due(down: down, now: t0 + 12)) == ["phone:pi"])
        #expect(r.due(down: down, now: t0 + 14).isEmpty)
        #expect(names(r.due(down: down, now: t0 + 15)) == ["phone:pi"])
    }

    @Test func aRestartSendsTheReminderDueOnceNotABurst() {
        var r = Reminders(every: ["phone": 600])
        let down = ["nas": t0]
        // Down for 2 h 5 min when this (new) notifier first looks: one reminder, then every 10 min again.
        #expect(names(r.due(down: down, now: t0 + 7500)) == ["phone:nas"])
        #expect(r.due(down: down, now: t0 + 7700).isEmpty)
        #expect(names(r.due(down: down, now: t0 + 7800)) == ["phone:nas"])
    }

    @Test func aNewLeaderDoesNotSendAgainTheReminderTheOldOneSent() {
        var r = Reminders(every: ["phone": 6])
        let down = ["flap": t0, "nas": t0 + 1]
        #expect(r.unknown(down: down).map(\.device) == ["flap", "nas"])
        // The log: flap's third reminder went out at t0 + 18.4 (the old leader, just before it died); none for nas.
        r.checked(channel: "phone", device: "flap", since: t0, lastAt: t0 + 18.4)
        r.checked(channel: "phone", device: "nas", since: t0 + 1, lastAt: nil)
        #expect(r.unknown(down: down).isEmpty)
        // At t0 + 19.5 the third is not sent again; nas's, due since t0 + 19, is; flap's fourth at t0 + 24.
        #expect(names(r.due(down: down, now: t0 + 19.5)) == ["phone:nas"])
        #expect(names(r.due(down: down, now: t0 + 24)) == ["phone:flap"])
        // A reminder of an earlier outage says nothing of this one; a new outage is looked up again.
        var fresh = Reminders(every: ["phone": 6])
        fresh.checked(channel: "phone", device: "flap", since: t0, lastAt: t0 - 100)
        #expect(names(fresh.due(down: ["flap": t0], now: t0 + 19.5)) == ["phone:flap"])
        #expect(fresh.unknown(down: ["flap": t0 + 50]).map(\.since) == [t0 + 50])
    }

    @Test func devicesDownTogetherAreOneMessageAndChannelsKeepTheirOwnSpacing() {
        var r = Reminders(every: ["phone": 3600, "mail": 86_400])
        let down = ["cam-pi": t0, "hall-pi": t0 + 20, "nas": t0 + 1800]
        let first = r.due(down: down, now: t0 + 3600)
        #expect(first.count == 1 && names(first) == ["phone:cam-pi", "phone:hall-pi"])
        #expect(names(r.due(down: down, now: t0 + 5400)) == ["phone:nas"])
        // A day later (no tick between): the day's mail for the two, and the phone's next for all three, once each.
        #expect(
            names(r.due(down: down, now: t0 + 86_400)) == [
                "mail:cam-pi", "mail:hall-pi", "phone:cam-pi", "phone:hall-pi", "phone:nas",
            ])
    }

    @Test func theOptionIsADurationOfFiveSecondsOrMore() throws {
        #expect(try NotifierSpec.parse("p=ntfy https://ntfy.sh/x remind=4h").remindEvery == 14_400)
        #expect(try NotifierSpec.parse("p=ntfy https://ntfy.sh/x").remindEvery == nil)
        for bad in ["4", "0m", "1s", "4hours", "-1h"] {
            #expect(throws: Error.self) { try NotifierSpec.parse("p=ntfy https://ntfy.sh/x remind=\(bad)") }
        }
    }

    @Test func theReminderSaysSinceWhenAndForHowLong() throws {
        let berlin = LocalTime(try #require(TimeZone(identifier: "Europe/Berlin")))
        let one = MessageWriter.reminder([("pi-shed", t0)], now: t0 + 15_120, time: berlin)
        #expect(one.kind == .reminder && one.title == "pi-shed still down")
        #expect(one.text == "pi-shed still down since \(berlin.stamp(t0)), for 4h 12m.", "\(one.text)")
        let two = MessageWriter.reminder([("a", t0), ("b", t0 + 60)], now: t0 + 3660, time: .utc)
        #expect(two.title == "2 devices still down" && two.devices == ["a", "b"])
        #expect(two.text.hasPrefix("Still down: a since ") && two.text.contains("(1h 1m), b since "))
    }
}
