import CollectorRules
import DowntimeProtocol
import Foundation
import Testing

/// A device whose checks fail needs a look right after the late ones, and `?checks=failing` lists them.
@Suite struct OverviewChecksTests {
    static let now = Date(timeIntervalSince1970: 1_795_335_000)

    @Test func failingChecksRankRightAfterLate() {
        let devices = [
            OverviewModel.Entry(name: "a-power", status: .up, powerWarning: true),
            OverviewModel.Entry(name: "b-checks", status: .up, failingChecks: 2),
            OverviewModel.Entry(name: "c-late", status: .late),
            OverviewModel.Entry(name: "d-down", status: .down),
            OverviewModel.Entry(name: "e-unreachable", status: .unreachable),
            OverviewModel.Entry(name: "f-fine", status: .up),
        ]
        let model = OverviewModel.build(devices, recent: [:], query: OverviewQuery(), now: Self.now)
        #expect(model.attention.map(\.entry.name) == ["d-down", "c-late", "b-checks", "e-unreachable", "a-power"])
        #expect(model.attention[2].reasons == [.checks])
        let late = OverviewModel.Entry(name: "x", status: .late, failingChecks: 1)
        #expect(OverviewModel.reasons(late, RecentFlips(), now: Self.now) == [.late, .checks])
    }

    @Test func theFilterListsDevicesWithFailingChecks() throws {
        let devices = [
            OverviewModel.Entry(name: "pi-1", status: .up, failingChecks: 1),
            OverviewModel.Entry(name: "pi-2", status: .up),
        ]
        let query = try OverviewQuery.parse(q: nil, status: nil, tag: nil, cursor: nil, checks: "failing")
        #expect(query.failingChecks && query.asksForList && query.link() == "/?checks=failing")
        let model = OverviewModel.build(devices, recent: [:], query: query, now: Self.now)
        #expect(model.list?.map(\.entry.name) == ["pi-1"] && model.listTotal == 1)
        #expect(throws: QueryError.self) {
            try OverviewQuery.parse(q: nil, status: nil, tag: nil, cursor: nil, checks: "ok")
        }
    }

    /// From the live record: the beat's failing count while up, none while the device is down.
    @Test func theCountFollowsTheDevicesStatus() {
        let results = [CheckResult(name: "ftl", state: .failing, detail: "exit 3", since: Self.now)]
        var record = DeviceRecord(name: "pi", tokenHash: [1], createdAt: Self.now, status: .up)
        record.beat = BeatState(
            at: Self.now, intervalS: 10, agentVersion: "1", bootID: "b", clockSkewS: 0, clockSynced: true,
            uptimeS: 1, seq: 1, checks: CheckDigest(of: results, full: true))
        #expect(OverviewModel.Entry(LiveDevice(record: record, status: .up)).failingChecks == 1)
        #expect(OverviewModel.Entry(LiveDevice(record: record, status: .down)).failingChecks == 0)
    }
}
