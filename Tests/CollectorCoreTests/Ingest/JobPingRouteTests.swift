import DowntimeProtocol
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CollectorCore
@testable import CollectorRules

/// `/ping/job/KEY…` (issue #31) on both stores: each ping stores one job event on the job's device, paired by rid or
/// by the newest open ping-made run; an unknown key, a bad exit code or rid stores nothing.
@Suite struct JobPingRouteTests {
    func setUp(_ backend: Backend) async throws -> (Harness, String) {
        let h = try await Harness.make(backend)
        _ = try await h.addDevice("nas")
        let admin = JobAdmin(store: h.store, zone: TimeZone(identifier: "UTC")!, clock: h.clock)
        let added = try await admin.add(.init(name: "backup", device: "nas", every: "1d", cron: nil))
        return (h, added.key)
    }

    func runs(_ h: Harness) async throws -> [JobRun] {
        JobRun.pair(try await h.store.jobEvents(device: "nas", job: "backup", limit: 100))
    }

    @Test(arguments: Backend.all) func pingsRecordRunsPairedByRid(_ backend: Backend) async throws {
        let (h, key) = try await setUp(backend)
        try await h.test { client in
            let (s1, b1, _) = try await client.get("/ping/job/\(key)/start")
            #expect(s1 == .ok && b1 == "OK\n")
            h.clock.advance(90)
            let (s2, _) = try await client.post(
                "/ping/job/\(key)/3", "disk full\n", token: nil, contentType: "text/plain")
            #expect(s2 == .ok)
            var all = try await runs(h)
            #expect(all.count == 1 && all[0].exitCode == 3 && all[0].duration == 90 && all[0].output == "disk full\n")
            #expect(all[0].bootID == nil)
            // Overlapping runs with their own rids; a success and a fail.
            _ = try await client.get("/ping/job/\(key)/start?rid=a")
            _ = try await client.get("/ping/job/\(key)/start?rid=b")
            h.clock.advance(10)
            _ = try await client.get("/ping/job/\(key)/fail?rid=a")
            _ = try await client.get("/ping/job/\(key)?rid=b")
            all = try await runs(h)
            #expect(all.count == 3)
            #expect(all.first { $0.rid == "a" }?.outcome == "failed")
            #expect(all.first { $0.rid == "b" }?.succeeded == true)
            // An end with no start: a run of unknown start.
            _ = try await client.get("/ping/job/\(key)/0")
            #expect(try await runs(h).count == 4)
        }
    }

    @Test(arguments: Backend.all) func badPingsStoreNothing(_ backend: Backend) async throws {
        let (h, key) = try await setUp(backend)
        try await h.test { client in
            for (uri, status, field) in [
                ("/ping/job/\(key)/256", HTTPResponse.Status.badRequest, "exit_code"),
                ("/ping/job/\(key)/abc", .badRequest, "exit_code"),
                ("/ping/job/\(key)/start?rid=a%20b", .badRequest, "rid"),
                ("/ping/job/nope/start", .notFound, nil), ("/ping/job/nope", .notFound, nil),
            ] as [(String, HTTPResponse.Status, String?)] {
                let (s, body, _) = try await client.get(uri)
                #expect(s == status, "\(uri)")
                if let field { #expect(body.contains(#""field":"\#(field)""#), "\(uri): \(body)") }
            }
            #expect(try await runs(h).isEmpty)
            // A device's own ping still works beside the job routes.
            let (s, _, _) = try await client.get("/ping/\(try await h.addDevice("router"))")
            #expect(s == .ok)
        }
    }
}
