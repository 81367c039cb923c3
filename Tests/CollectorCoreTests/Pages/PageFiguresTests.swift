import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorCore
@testable import CollectorRules

/// The pages' figures: the day bar's scale, the fleet's uptime, a short outage still drawn.
@Suite struct PageFiguresTests {
    static let day = Date(timeIntervalSince1970: 1_795_305_600)

    static let scale: [(down: Double, known: Double, step: Int?)] = [
        (0, 0, nil), (0, 86_400, 0), (22, 86_400, 1), (86, 86_400, 1), (87, 86_400, 2), (864, 86_400, 2),
        (865, 86_400, 3), (8_640, 86_400, 3), (8_641, 86_400, 4), (43_200, 86_400, 4), (43_201, 86_400, 5),
        (86_400, 86_400, 5), (22, 3_600, 2), // a young device: the share of what is known
    ]

    @Test(arguments: scale)
    func aDaysColourFollowsItsShareOfDowntime(down: Double, known: Double, step: Int?) {
        #expect(DayBar.step(Availability.Day(start: Self.day, down: down, known: known, outages: 1)) == step)
    }

    @Test func everyCellSaysItsFigures() {
        var w = HTMLWriter()
        DayBar.render(
            &w,
            [
                Availability.Day(start: Self.day, down: 22, known: 86_400, outages: 1),
                Availability.Day(start: Self.day + 86_400, down: 0, known: 86_400),
                Availability.Day(start: Self.day + 2 * 86_400, down: 0, known: 0),
            ])
        let html = w.html
        #expect(html.contains("aria-label=\"11-22: down 22s in 1 outage (99.974% up)\" tabindex=\"0\""), "\(html)")
        #expect(html.contains("class=\"d1\""))
        #expect(html.contains("aria-label=\"11-23: no downtime\"></i>"), "\(html)")
        #expect(html.contains("class=\"dn\" role=\"img\" aria-label=\"11-24: no data\""))
    }

    @Test func quietDaysSideBySideAreOneCellThatSaysSo() {
        var w = HTMLWriter()
        let quiet = (0..<20).map { Availability.Day(start: Self.day + Double($0) * 86_400, down: 0, known: 86_400) }
        DayBar.render(
            &w, quiet + [Availability.Day(start: Self.day + 20 * 86_400, down: 3600, known: 86_400, outages: 2)])
        #expect(w.html.contains("aria-label=\"11-22 – 12-11: no downtime\" style=\"flex:20\""), "\(w.html)")
        #expect(w.html.contains("class=\"d3\" role=\"img\" aria-label=\"12-12: down 1h 0m in 2 outages (95.83% up)\""))
    }

    @Test func aShortOutageIsStillDrawnOnTheWeek() throws {
        let now = Self.day + 7 * 86_400
        let span = TimelineDrawing.Span(start: now - 3 * 86_400, end: now - 3 * 86_400 + 22, kind: .power, title: "")
        let e = try #require(TimelineDrawing.extent(span, from: now - 7 * 86_400, to: now))
        #expect(e.w == TimelineDrawing.minWidth && e.x > 0)
        // At the end of the window it stays inside the drawing.
        let last = TimelineDrawing.Span(start: now - 5, end: now, kind: .power, title: "")
        let l = try #require(TimelineDrawing.extent(last, from: now - 7 * 86_400, to: now))
        #expect(l.x + l.w <= TimelineDrawing.width)
        #expect(TimelineDrawing.extent(last, from: now - 7 * 86_400 - 100, to: now - 7 * 86_400) == nil)
    }

    @Test func theFleetsUptimeWeighsEachDeviceByItsKnownTime() throws {
        let now = Self.day + 86_400
        func detail(_ first: Date, outages: [OutageView]) -> DeviceDetail {
            DeviceDetail(
                view: DeviceView(
                    name: "d", status: .up, lastSeen: now, intervalS: 10, agentVersion: nil, bootID: nil,
                    clockSkewS: nil,
                    clockSynced: nil, uptimeS: nil, currentOutage: nil, lastOutage: nil,
                    uptime: UptimeView(day: nil, week: nil, month: nil), tags: []),
                outages: outages, unknown: [],
                firstSeen: first, days: [])
        }
        let down = OutageView(start: now - 3600, end: now - 1800, durationS: 1800, cause: .powerLoss, source: "agent")
        let old = detail(now - 30 * 86_400, outages: [down])
        let young = detail(now - 100, outages: [])
        let u = FleetUptime.of([old, young], now: now)
        // 24 h: 1800 s down of 86,400 + 100 known.
        #expect(abs((u.day ?? 0) - (1 - 1800 / 86_500)) < 1e-9)
        #expect(abs((u.week ?? 0) - (1 - 1800 / (7 * 86_400 + 100))) < 1e-9)
        #expect(FleetUptime.of([], now: now) == FleetUptime(day: nil, week: nil))
    }
}
