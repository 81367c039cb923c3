import CollectorCore
import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorRules

/// The pages as pure functions of their data.
@Suite struct RenderingTests {
    static let now = Date(timeIntervalSince1970: 1_795_335_000)

    static func detail(
        _ name: String, _ status: DeviceStatus, outages: [OutageView] = [], tags: [String] = [],
        firstSeen: Date? = now - 40 * 86_400
    ) -> DeviceDetail {
        let current = status == .down ? outages.last(where: { $0.end == nil }) : nil
        let view = DeviceView(
            name: name, status: status, lastSeen: status == .new ? nil : now - 30, intervalS: 10,
            agentVersion: "0.1.0", bootID: "ab", clockSkewS: 0.2, clockSynced: true, uptimeS: 5000,
            currentOutage: current, lastOutage: outages.last(where: { $0.end != nil }),
            uptime: UptimeView(day: 0.99, week: 0.999, month: 0.9999), tags: tags)
        let days = Availability.days(30, now: now, since: firstSeen, outages: outages, unknown: [])
        return DeviceDetail(view: view, outages: outages, unknown: [], firstSeen: firstSeen, days: days)
    }

    @Test func everyStatusIsShownByWordAndClass() {
        let devices = DeviceStatus.allCases.map { Self.detail("dev-\($0.rawValue)", $0) }
        let html = OverviewPage.render(devices, now: Self.now)
        for s in DeviceStatus.allCases {
            #expect(html.contains("<tr data-name=\"dev-\(s.rawValue)\" data-status=\"\(s.rawValue)\">"))
            #expect(html.contains("<span class=\"st \(s.rawValue)\">\(s.rawValue)</span>"))
        }
        #expect(html.contains("6 devices · 1 up · 1 down · 1 late · 1 unreachable · 1 new · 1 paused"))
        #expect(html.hasPrefix("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"))
        #expect(html.contains("<meta name=\"viewport\""))
        #expect(html.contains("prefers-color-scheme:dark"))
        #expect(html.contains("<noscript><meta http-equiv=\"refresh\""))
        #expect(!html.contains("http://") && !html.contains("https://"), "no external resource")
    }

    @Test func currentAndLastOutageAreShownInPlainWords() {
        let outages = [
            OutageView(
                start: Self.now - 7200, end: Self.now - 3600, durationS: 3600, cause: .powerLoss, source: "merged"),
            OutageView(start: Self.now - 125, end: nil, durationS: 125, cause: .unknown, source: "collector"),
        ]
        let html = OverviewPage.render([Self.detail("pi", .down, outages: outages)], now: Self.now)
        #expect(html.contains("<strong>2m 5s</strong>"))
        // A down device's row names the outage it is in, not its last closed one ("none" or an old one).
        #expect(html.contains("<strong>now: </strong>since <time datetime=\"2026-11-22T08:07:55.000Z\""), "\(html)")
        #expect(html.contains("cause not known yet") && !html.contains("1h 0m · power loss or crash"))
        let up = OverviewPage.render([Self.detail("pi", .up, outages: [outages[0]])], now: Self.now)
        #expect(up.contains("1h 0m · power loss or crash"))
        #expect(up.contains("title=\"2026-11-22T06:10:00+00:00\""))
    }

    @Test func hostileTextFromADeviceIsEscapedEverywhere() {
        let evil = "<script>alert('x')</script>"
        var d = Self.detail("pi", .up, tags: [evil])
        d.view.agentVersion = evil
        let log = [Event(device: "pi", at: Self.now, bootID: "ab", payload: .agentStarted(agentVersion: evil))]
        let overview = OverviewPage.render([d], now: Self.now)
        let filtered = OverviewPage.render([d], now: Self.now, query: "\"><script>q</script>")
        let page = DevicePage.render(d, log: log, now: Self.now)
        for html in [overview, page] {
            #expect(!html.contains("<script>alert"))
            #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
        }
        #expect(
            !filtered.contains("<script>q") && filtered.contains("value=\"&quot;&gt;&lt;script&gt;q&lt;/script&gt;\""))
        #expect(page.contains("agent version &lt;script&gt;"))
    }

    @Test func emptyCollectorExplainsHowToAddADevice() {
        let html = OverviewPage.render([], now: Self.now)
        #expect(html.contains("No devices yet") && html.contains("downtime-collector device add NAME"))
        #expect(!html.contains("<table"))
    }

    @Test func filterMatchesNameTagOrStatus() {
        let devices = [Self.detail("kitchen-pi", .up, tags: ["home"]), Self.detail("nas", .down, tags: ["office"])]
        let html = OverviewPage.render(devices, now: Self.now, query: "OFF")
        #expect(html.contains("data-name=\"nas\"") && !html.contains("data-name=\"kitchen-pi\""))
        #expect(OverviewPage.matches(devices[0].view, "up") && !OverviewPage.matches(devices[0].view, "u"))
        #expect(OverviewPage.matches(devices[0].view, "kitch"))
        // The summary still counts every device.
        #expect(html.contains("2 devices · 1 up · 1 down"))
    }

    /// 64 KB: each day with downtime carries its figures as a text alternative (issue #34), a few hundred bytes a row.
    @Test func twentyDevicesWeighUnder64KB() {
        // Every device had downtime on every third day of the month, and some are down now.
        let flappy = stride(from: 0, to: 30, by: 3).map { i in
            OutageView(
                start: Self.now - Double(i) * 86_400 - 3600, end: Self.now - Double(i) * 86_400 - 3000,
                durationS: 600, cause: .powerLoss, source: "agent")
        }
        let devices = (0..<20).map {
            Self.detail("raspberry-pi-number-\($0)", $0 % 4 == 0 ? .down : .up, outages: flappy, tags: ["rack-1"])
        }
        let html = OverviewPage.render(devices, now: Self.now)
        #expect(html.utf8.count < 64_000, "\(html.utf8.count) bytes")
    }

    @Test func thirtyDayBarMergesQuietDaysAndTellsEachBadDay() {
        let outage = OutageView(
            start: Self.now - 2 * 86_400, end: Self.now - 2 * 86_400 + 864, durationS: 864,
            cause: .powerLoss, source: "agent")
        let html = OverviewPage.render(
            [Self.detail("pi", .up, outages: [outage], firstSeen: Self.now - 10 * 86_400)], now: Self.now)
        let start = html.range(of: "<span class=\"bar\"")!.lowerBound
        let bar = String(html[start...])
        let cells = String(bar[..<bar.range(of: "</span>")!.upperBound])
        // The stretch without data, the quiet days, the bad day, the quiet days since: four cells, not thirty.
        #expect(cells.components(separatedBy: "<i ").count - 1 == 4, "\(cells)")
        #expect(cells.contains("aria-label=\"10-24 – 11-11: no data\" style=\"flex:19\""))
        #expect(cells.contains("class=\"d0\" role=\"img\" aria-label=\"11-12 – 11-19: no downtime\" style=\"flex:8\""))
        // 1 % of the day: the second step, a tab stop.
        #expect(
            cells.contains(
                "class=\"d2\" role=\"img\" aria-label=\"11-20: down 14m 24s in 1 outage (99.00% up)\" tabindex=\"0\""))
    }

    @Test func devicePageShowsFactsTimelineOutagesAndLog() {
        let outage = OutageView(
            start: Self.now - 3 * 86_400, end: Self.now - 3 * 86_400 + 600, durationS: 600,
            cause: .cleanReboot, source: "merged")
        let log = (0..<400).map { i in Event(device: "pi", at: Self.now - Double(i), bootID: "ab", payload: .shutdown) }
        let html = DevicePage.render(Self.detail("pi", .up, outages: [outage]), log: log, now: Self.now)
        for needle in [
            "Agent version", "Booted", "synced, +0.2 s from the collector", "clean reboot", "agent + collector",
            "href=\"/devices/pi/log.txt\"", "href=\"/devices/pi/log.csv\"", "the newest 300 of 400",
            "<svg class=\"tl\"",
        ] {
            #expect(html.contains(needle), "\(needle)")
        }
        #expect(html.components(separatedBy: "<td>shutdown</td>").count - 1 == DevicePage.logRows)
    }
}
