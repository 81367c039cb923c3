import CollectorCore
import DowntimeProtocol
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CollectorRules

@Suite struct RetentionTests {
    @Test(arguments: Backend.all) func oldRowsGoTheFirstFlipAndDailyFiguresStay(_ backend: Backend) async throws {
        var config = CollectorConfig()
        config.retentionDays = 31
        let clock = ManualClock()
        let h = try await Harness.make(backend, clock: clock, config: config)
        let token = try await h.addDevice("pi-1")
        try await h.test { client in
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1"), token: token)
        }
        clock.advance(40 * 86_400)
        try await h.test { client in
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1", seq: 2), token: token) // down → up
            let old = WireTime.format(clock.now() - 35 * 86_400)
            let (s, _) = try await client.post(
                "/api/v1/events", IngestTests.outageBatch(id: UUID(), start: old, end: old), token: token)
            #expect(s == .ok)
        }
        try await h.collector.sweeper.sweep()
        let before = try await h.store.events(device: "pi-1", since: nil, afterSeq: nil, limit: 100)
        let deleted = try await h.collector.sweeper.housekeeping.run()
        let after = try await h.store.events(device: "pi-1", since: nil, afterSeq: nil, limit: 100)
        // The 35-day-old outage goes; the 40-day-old first flip stays.
        #expect(deleted == 1 && after.count == before.count - 1)
        #expect(!after.contains { $0.event.kind == .outage })
        #expect(after.contains { if case .flip(let f) = $0.event.payload { f.from == .new } else { false } })
        let daily = try await h.store.daily(device: "pi-1")
        #expect(daily.last?.day == String(WireTime.format(clock.now()).prefix(10)))
        // Housekeeping again changes nothing.
        #expect(try await h.collector.sweeper.housekeeping.run() == 0)
    }

    /// Issue #26: incidents are pruned with the logs; one still open stays whatever its age.
    @Test(arguments: Backend.all) func incidentsThatEndedBeforeTheBoundGo(_ backend: Backend) async throws {
        var config = CollectorConfig()
        config.retentionDays = 31
        let clock = ManualClock()
        let h = try await Harness.make(backend, clock: clock, config: config)
        try await h.collector.sweeper.sweep()
        let now = clock.now()
        func incident(_ daysAgo: Double, open: Bool = false) -> Incident {
            let start = now - daysAgo * 86_400
            let member = Incident.Member(device: "pi-1", start: start, end: open ? nil : start + 60, cause: .powerLoss)
            return Incident(
                id: Incident.id(kind: .powerCut, site: "home", start: start), kind: .powerCut, site: "home",
                start: start, end: open ? nil : start + 60, members: [member], unaffected: [], collectorDown: false)
        }
        let old = incident(40)
        let openOld = incident(45, open: true)
        let recent = incident(3)
        try await h.store.saveIncidents([old, openOld, recent], at: now)
        #expect(try await h.collector.sweeper.housekeeping.run() == 1)
        let kept = try await h.store.incidents(since: now - 100 * 86_400).map(\.id).sorted()
        #expect(kept == [openOld.id, recent.id].sorted())
    }

    @Test func retentionUnder31DaysIsRefused() throws {
        let layer = try CollectorConfig.parseFile("DOWNTIME_RETENTION_DAYS=7", name: "f")
        #expect(throws: ConfigError.self) { try CollectorConfig.resolve([layer]) }
        let zero = try CollectorConfig.resolve([try CollectorConfig.parseFile("DOWNTIME_RETENTION_DAYS=0", name: "f")])
        #expect(zero.retentionDays == nil)
    }
}
