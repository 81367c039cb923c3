import DowntimeProtocol
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CollectorCore
@testable import CollectorRules

/// The overview of a fleet larger than one screen: problems first, the list on demand, the summary JSON.
@Suite struct OverviewPageTests {
    /// 150 devices beating, three of them down (they said so through their ping's `/fail`).
    static func fleet() async throws -> Harness {
        let h = try await Harness.make()
        for i in 0..<150 {
            let name = String(format: "pi-%03d", i)
            let token = try await h.addDevice(name)
            let hb = Heartbeat(
                device: name, seq: 1, bootID: bootA, uptimeS: 100, sentAt: h.clock.now(),
                clockSynced: true, intervalS: 600, agentVersion: "0.1.0")
            _ = try await h.collector.ingest.heartbeat(hb, token: token)
        }
        for name in ["pi-007", "pi-070", "pi-140"] { try await h.collector.ingest.ping(device: name, fail: true) }
        return h
    }

    static func rows(_ html: String) -> [String] {
        html.components(separatedBy: "<tr data-name=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }

    @Test func aLargeFleetBuildsDetailsOnlyForTheRowsItShows() async throws {
        let h = try await Self.fleet()
        let (model, details) = try await h.collector.reads.overview(OverviewQuery())
        #expect(model.list == nil && model.counts == StatusCounts(down: 3, up: 147))
        #expect(model.attention.map(\.entry.name) == ["pi-007", "pi-070", "pi-140"])
        #expect(details.keys.sorted() == ["pi-007", "pi-070", "pi-140"])
        let (page, pageDetails) = try await h.collector.reads.overview(OverviewQuery(status: .up))
        #expect(page.list?.count == 100 && pageDetails.count == 100)
    }

    @Test func theOverviewShowsTheProblemsAndPagesTheRestOnDemand() async throws {
        let h = try await Self.fleet()
        try await h.test { client in
            let (status, html, _) = try await client.get("/")
            #expect(status == .ok)
            #expect(html.contains("150 devices · 147 up · 3 down"))
            #expect(Self.rows(html) == ["pi-007", "pi-070", "pi-140"])
            #expect(html.contains("Needs a look (3)") && html.contains("href=\"/?status=down\""))
            #expect(html.contains("href=\"/?q=\">list all 150</a>"))
            #expect(!html.contains("autocomplete="), "axe's autocomplete-valid")

            let (_, first, _) = try await client.get("/?status=up")
            #expect(Self.rows(first).count == 100 && Self.rows(first).first == "pi-000")
            #expect(first.contains("100 of 147 matching"))
            let next = try #require(first.range(of: "href=\"/?status=up&amp;cursor=up%3Api-101\" rel=\"next\""))
            #expect(!next.isEmpty)
            let (_, second, _) = try await client.get("/?status=up&cursor=up%3Api-101")
            #expect(Self.rows(second).count == 47 && Self.rows(second).first == "pi-102")
            #expect(!second.contains("rel=\"next\""))

            let (_, all, _) = try await client.get("/?q=")
            #expect(Self.rows(all).prefix(4) == ["pi-007", "pi-070", "pi-140", "pi-000"])
            let (_, one, _) = try await client.get("/?q=pi-07")
            #expect(Self.rows(one) == (70...79).map { "pi-0\($0)" })

            for bad in ["/?status=sideways", "/?tag=no%20spaces", "/?cursor=pi-1"] {
                let (s, body, headers) = try await client.get(bad)
                let json = headers[.contentType]?.hasPrefix("application/json") == true
                #expect(s == .badRequest && json, "\(bad): \(body)")
            }
        }
    }

    @Test func theSummaryIsOneSmallAnswer() async throws {
        let h = try await Self.fleet()
        try await h.collector.sweeper.sweep()
        try await h.test { client in
            let (status, body, _) = try await client.get("/api/v1/summary")
            #expect(status == .ok && body.utf8.count < 400, "\(body)")
            let s = try WireCoding.decoder().decode(FleetSummary.self, from: Data(body.utf8))
            #expect(
                s
                    == FleetSummary(
                        status: StatusCounts(down: 3, up: 147), attention: 3,
                        tags: [FleetSummary.Tag(tag: nil, status: StatusCounts(down: 3, up: 147))]))
            #expect(body.contains("\"tag\":null") && body.contains("\"late\":0"))
        }
    }

    @Test func aRenderedPageOfTenThousandDevicesWeighsUnder300KBAndShowsEveryDownDevice() {
        let now = RenderingTests.now
        let entries = (0..<10_000).map { i in
            OverviewModel.Entry(
                name: String(format: "raspberry-pi-%05d", i), status: i % 100 == 0 ? .down : .up,
                tags: ["rack-\(i % 40)"])
        }
        let model = OverviewModel.build(entries, recent: [:], query: OverviewQuery(), now: now)
        let outage = OutageView(start: now - 600, end: nil, durationS: 600, cause: .unknown, source: "collector")
        let details = Dictionary(
            uniqueKeysWithValues: model.attention.map {
                let e = $0.entry
                return (e.name, RenderingTests.detail(e.name, e.status, outages: [outage], tags: e.tags))
            })
        let html = OverviewPage.render(model, details: details, now: now, query: OverviewQuery())
        #expect(html.utf8.count < 300_000, "\(html.utf8.count) bytes")
        #expect(Self.rows(html) == entries.filter { $0.status == .down }.map(\.name))
        #expect(html.contains("10000 devices · 9900 up · 100 down"))
        #expect(html.components(separatedBy: "href=\"/?tag=rack-").count - 1 == 40)
    }
}

/// The overview's UPS section, rendered from states and stored events (pure).
@Suite struct UPSSectionTests {
    let now = Date(timeIntervalSince1970: 1_795_335_000)

    func page(_ ups: [(state: UPSState, events: [StoredUPSEvent])]) -> String {
        let model = OverviewModel.build([], recent: [:], query: OverviewQuery(), now: now)
        return OverviewPage.render(model, details: [:], now: now, query: OverviewQuery(), ups: ups)
    }

    @Test func noUPSNoSection() {
        #expect(!page([]).contains("<h2>UPS</h2>"))
    }

    @Test func eachUPSSaysItsStateAndItsLastEvents() {
        var lost = UPSState(name: "rack@nas:3493")
        lost.observe(.reading(UPSReading(status: UPSStatus(parsing: "OL"), charge: 100)), at: now - 100)
        lost.observe(.unreadable("the NUT server says <DATA-STALE>"), at: now - 60)
        let fresh = UPSState(name: "other@nas:3493")
        var events: [StoredUPSEvent] = []
        for i in 0..<7 {
            let at = now - Double(70 - i)
            events.append(
                i % 2 == 0
                    ? StoredUPSEvent(ups: "rack@nas:3493", kind: .commsLost, at: at, reason: "refused")
                    : StoredUPSEvent(ups: "rack@nas:3493", kind: .commsBack, at: at, status: "OL"))
        }
        let html = page([(lost, events), (fresh, [])])
        #expect(html.contains("<h2>UPS</h2>"))
        #expect(html.contains("<th scope=\"row\">rack@nas:3493</th>"))
        #expect(html.contains("not readable since <time"))
        #expect(html.contains(": the NUT server says &lt;DATA-STALE&gt;</td>"))
        #expect(html.components(separatedBy: "<li>").count - 1 == UPSSection.eventLimit)
        #expect(html.contains("UPS readable again") && html.contains("UPS not readable: refused"))
        #expect(html.contains("<th scope=\"row\">other@nas:3493</th><td>not read yet by this collector</td>"))
        #expect(html.contains("<span class=\"mute\">none</span>"))
    }
}
