import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorRules

/// The overview's model as a pure function of the live devices, the query and `now`.
@Suite struct OverviewModelTests {
    static let now = Date(timeIntervalSince1970: 1_795_335_000)
    typealias Entry = OverviewModel.Entry

    static func fleet(_ n: Int, down every: Int = 100, tag: (Int) -> [String] = { _ in [] }) -> [Entry] {
        (0..<n).map { i in
            Entry(name: String(format: "device-%05d", i), status: i % every == 0 ? .down : .up, tags: tag(i))
        }
    }

    @Test(arguments: [
        // status, storage, power, flips (minutes ago), back (minutes ago), expected reasons
        (DeviceStatus.up, false, false, [Double](), Double?.none, [OverviewModel.Reason]()),
        (.down, false, false, [], nil, [.down]),
        (.late, false, false, [], nil, [.late]),
        (.paused, false, false, [], nil, [.paused]),
        (.new, false, false, [], nil, [.new]),
        (.up, true, false, [], nil, [.storage]),
        (.up, false, true, [], nil, [.power]),
        (.up, false, false, [50, 40], 40, [.back]),
        (.up, false, false, [50, 40], 70, []), // back more than an hour ago
        (.up, false, false, [30, 20, 10], 10, [.flapping, .back]),
        (.down, false, false, [30, 20, 10], nil, [.down, .flapping]),
        (.up, false, false, [90, 80, 10], 10, [.back]), // two of the three outages are older than the window
        (.up, false, false, [10], 5, [.back]), // one power cut after the first beat: no flapping
        (.up, false, false, [40, 10], 5, [.back]), // two outages: not yet
        (.down, true, true, [], nil, [.down, .storage, .power]),
    ])
    func reasonsForALook(
        _ status: DeviceStatus, _ storage: Bool, _ power: Bool, _ downs: [Double], _ back: Double?,
        _ expected: [OverviewModel.Reason]
    ) {
        let e = Entry(name: "pi", status: status, storageWarning: storage, powerWarning: power)
        let recent = RecentFlips(downs: downs.map { Self.now - $0 * 60 }, lastBack: back.map { Self.now - $0 * 60 })
        #expect(OverviewModel.reasons(e, recent, now: Self.now) == expected)
    }

    @Test func aSmallFleetIsOneCompleteListDownFirst() {
        let devices = Self.fleet(10, down: 4)
        let m = OverviewModel.build(devices, recent: [:], query: OverviewQuery(), now: Self.now)
        #expect(m.complete)
        #expect(
            m.list?.map(\.entry.name) == ["device-00000", "device-00004", "device-00008"]
                + [1, 2, 3, 5, 6, 7, 9].map { String(format: "device-%05d", $0) })
        #expect(m.counts == StatusCounts(down: 3, up: 7))
        #expect(m.next == nil)
    }

    @Test func aLargeFleetShowsItsProblemsAndCountsNotItsRows() {
        let devices = Self.fleet(10_000, tag: { $0 < 500 ? ["office"] : $0 < 700 ? ["office", "lab"] : [] })
        var withWarning = devices
        withWarning[5].storageWarning = true
        let back = RecentFlips(downs: [Self.now - 120], lastBack: Self.now - 60)
        let m = OverviewModel.build(withWarning, recent: ["device-00007": back], query: OverviewQuery(), now: Self.now)
        #expect(m.list == nil && !m.complete)
        #expect(m.counts == StatusCounts(down: 100, up: 9_900))
        #expect(m.attentionTotal == 102 && m.attention.count == 102)
        // Every down device first, then the warning, then the one back.
        #expect(m.attention.prefix(100).allSatisfy { $0.entry.status == .down })
        #expect(m.attention[100].entry.name == "device-00005" && m.attention[100].reasons == [.storage])
        #expect(m.attention[101].entry.name == "device-00007" && m.attention[101].reasons == [.back])
        #expect(m.tags.map(\.tag) == ["lab", "office", nil])
        #expect(m.tags.map(\.counts.total) == [200, 700, 9_300])
        #expect(m.tags[1].counts == StatusCounts(down: 7, up: 693))
    }

    @Test func theProblemsListIsCappedWithTheDownFirst() {
        let devices = (0..<1_000).map { Entry(name: String(format: "d%04d", $0), status: $0 % 3 == 0 ? .late : .down) }
        var policy = OverviewModel.Policy()
        policy.attentionRows = 200
        let m = OverviewModel.build(devices, recent: [:], query: OverviewQuery(), now: Self.now, policy: policy)
        #expect(m.attentionTotal == 1_000 && m.attention.count == 200)
        #expect(m.attention.allSatisfy { $0.entry.status == .down })
    }

    @Test(arguments: [
        (OverviewQuery(text: ""), 10_000),
        (OverviewQuery(status: .down), 100),
        (OverviewQuery(tag: "office"), 700),
        (OverviewQuery(text: "device-000"), 100),
        (OverviewQuery(text: "DOWN"), 100),
        (OverviewQuery(text: "lab"), 200),
        (OverviewQuery(text: "up", tag: "lab"), 198),
        (OverviewQuery(status: .late), 0),
    ])
    func theListIsFilteredAndPagedByCursorWithoutGapsOrRepeats(_ query: OverviewQuery, _ matching: Int) {
        let devices = Self.fleet(10_000, tag: { $0 < 500 ? ["office"] : $0 < 700 ? ["office", "lab"] : [] })
        var seen: [String] = []
        var q = query
        var pages = 0
        while true {
            let m = OverviewModel.build(devices, recent: [:], query: q, now: Self.now)
            #expect(m.listTotal == matching && !m.complete)
            let rows = m.list ?? []
            #expect(rows.count <= 100)
            seen += rows.map(\.entry.name)
            pages += 1
            guard let next = m.next, pages < 200 else { break }
            q.cursor = next
        }
        #expect(seen.count == matching && Set(seen).count == matching)
        #expect(pages == max(1, (matching + 99) / 100))
        // Down first, then by name.
        let order = seen.map { n in devices.first { $0.name == n }! }.map { ($0.status, $0.name) }
        #expect(zip(order, order.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test func aFilterOnASmallFleetStillCountsEveryDevice() {
        let devices = [
            Entry(name: "kitchen-pi", status: .up, tags: ["home"]),
            Entry(name: "nas", status: .down, tags: ["office"]),
        ]
        let m = OverviewModel.build(devices, recent: [:], query: OverviewQuery(text: "OFF"), now: Self.now)
        #expect(m.list?.map(\.entry.name) == ["nas"] && m.counts.total == 2 && !m.complete)
    }

    @Test func queriesAreReadStrictlyAndWrittenBackAsLinks() throws {
        let q = try OverviewQuery.parse(q: "pi ü", status: "down", tag: "Office", cursor: "down:device-00012")
        #expect(
            q
                == OverviewQuery(
                    text: "pi ü", status: .down, tag: "office",
                    cursor: OverviewQuery.Cursor(status: .down, name: "device-00012")))
        #expect(
            q.link(cursor: OverviewQuery.Cursor(status: .up, name: "a.b"))
                == "/?q=pi%20%C3%BC&status=down&tag=office&cursor=up%3Aa.b")
        #expect(OverviewQuery().link() == "/?q=")
        let bad: [(String?, String?, String?, String)] = [
            ("bogus", nil, nil, "status"), ("", nil, nil, "status"), ("DOWN", nil, nil, "status"),
            (nil, "a b", nil, "tag"),
            (nil, nil, "down", "cursor"), (nil, nil, "sideways:pi", "cursor"), (nil, nil, "up:PI", "cursor"),
        ]
        for (status, tag, cursor, field) in bad {
            #expect(throws: QueryError.self) {
                try OverviewQuery.parse(q: nil, status: status, tag: tag, cursor: cursor)
            }
            do {
                _ = try OverviewQuery.parse(q: nil, status: status, tag: tag, cursor: cursor)
            } catch let e as QueryError {
                #expect(e.field == field)
            }
        }
    }

    @Test func recentFlipsAreReadFromTheLogRows() {
        func flip(_ from: DeviceStatus, _ to: DeviceStatus, minutesAgo: Double) -> StoredEvent {
            let f = FlipChange.flip(
                "pi", from: from, to: to, at: Self.now - minutesAgo * 60, reason: .heartbeatReceived)
            return StoredEvent(event: f.event, receivedAt: Self.now, seq: 1)
        }
        let rows = [
            flip(.new, .up, minutesAgo: 300), flip(.up, .down, minutesAgo: 50),
            flip(.down, .up, minutesAgo: 45), flip(.up, .down, minutesAgo: 30), flip(.down, .up, minutesAgo: 5),
            StoredEvent(
                event: Event(device: "pi", at: Self.now - 60, bootID: "ab", payload: .shutdown),
                receivedAt: Self.now, seq: 2),
        ]
        let r = RecentFlips.of(rows, since: Self.now - 3600)
        // Only the down flips count (the first beat and the returns do not): two outages.
        #expect(r.downs == [Self.now - 3000, Self.now - 1800] && r.lastBack == Self.now - 300)
    }

    /// Issue #26: the down and up flips of an agent gap (a clean stop and a start in the same boot) are no flapping and
    /// no "back up"; a silence without the clean stop still counts.
    @Test func anAgentGapNeitherFlapsNorComesBack() {
        func row(_ secondsAgo: Double, _ payload: Event.Payload, boot: String? = nil) -> StoredEvent {
            StoredEvent(
                event: Event(device: "pi", at: Self.now - secondsAgo, bootID: boot, payload: payload),
                receivedAt: Self.now, seq: 1)
        }
        func flip(_ from: DeviceStatus, _ to: DeviceStatus, _ secondsAgo: Double) -> StoredEvent {
            row(secondsAgo, .flip(FlipRecord(from: from, to: to, reason: "")))
        }
        var rows = [flip(.new, .up, 9000)]
        // Two agent restarts (an upgrade, say): stop, down, start, up.
        for ago in [1800.0, 900] {
            rows += [
                flip(.up, .down, ago), row(ago - 4, .shutdown, boot: "ab"),
                row(ago - 290, .agentStarted(agentVersion: "1"), boot: "ab"), flip(.down, .up, ago - 300),
            ]
        }
        let r = RecentFlips.of(rows, since: Self.now - 3600, slack: 15)
        #expect(r.downs.isEmpty && r.lastBack == nil)
        #expect(OverviewModel.reasons(OverviewModel.Entry(name: "pi", status: .up), r, now: Self.now).isEmpty)
        // Back in a new boot: the device's own outage, counted.
        rows[rows.count - 2] = row(610, .agentStarted(agentVersion: "1"), boot: "cd")
        let counted = RecentFlips.of(rows, since: Self.now - 3600, slack: 15)
        #expect(counted.downs == [Self.now - 900] && counted.lastBack == Self.now - 600)
    }
}
