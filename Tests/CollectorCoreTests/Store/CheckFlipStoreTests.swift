import DowntimeProtocol
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CollectorCore
@testable import CollectorRules

/// The service checks' stored flips (issue #30), on both stores: written with their log rows, read back per device,
/// the newest of each check kept by retention and read at a restart, gone with their device, copied by migrate-store.
@Suite struct CheckFlipStoreTests {
    let t0 = Date(timeIntervalSince1970: 1_795_335_000)

    func flip(_ check: String, _ from: CheckState?, _ to: CheckState, _ at: Date, device: String = "pi-1") -> CheckFlip
    {
        CheckFlip(
            device: device, record: CheckFlipRecord(name: check, from: from, to: to, detail: "d \(to.rawValue)"),
            at: at,
            notify: check != "quiet")
    }

    func fresh(_ backend: Backend) async throws -> (StoreHandle, any Store) {
        try await StoreHandle.withDevices(backend, ["pi-1", "pi-2"], createdAt: t0)
    }

    @Test(arguments: Backend.all) func flipsAreStoredWithTheirLogRowsOnceEach(_ backend: Backend) async throws {
        let (h, s) = try await fresh(backend)
        defer { h.remove() }
        let flips = [
            flip("ha", nil, .ok, t0), flip("quiet", nil, .failing, t0), flip("ha", .ok, .failing, t0 + 60),
            flip("ha", .failing, .ok, t0 + 120), flip("ssh", nil, .ok, t0 + 5, device: "pi-2"),
        ]
        try await s.recordCheckFlips(flips)
        try await s.recordCheckFlips([flips[2]]) // again: once by id
        let mine = try await s.checkFlips(device: "pi-1", since: t0)
        #expect(mine == flips.filter { $0.device == "pi-1" })
        #expect(mine.first { $0.name == "quiet" }?.notify == false)
        // Since a time: the flips after it and the one before it of each check (its state then).
        #expect(try await s.checkFlips(device: "pi-1", since: t0 + 100).map(\.at) == [t0, t0 + 60, t0 + 120])
        let log = try await s.events(device: "pi-1", since: nil, afterSeq: nil, limit: 10).map(\.event)
        #expect(log.map(\.kind) == [.check, .check, .check, .check])
        #expect(log.map(\.id) == flips.filter { $0.device == "pi-1" }.map(\.id))
        #expect(LogFormat.detail(log[2]) == "check ha: ok -> failing (d failing)")
        #expect(LogFormat.detail(log[0]) == "check ha: first seen -> ok (d ok)")
        let newest = try await s.newestCheckFlips()
        #expect(newest["pi-1"].map { CheckStates.restored($0).map(\.state) } == [.ok, .failing])
        #expect(newest["pi-2"]?.map(\.name) == ["ssh"])
    }

    @Test(arguments: Backend.all) func retentionKeepsTheNewestOfEachCheckAndRemovalDropsThem(_ backend: Backend)
        async throws
    {
        let (h, s) = try await fresh(backend)
        defer { h.remove() }
        try await s.recordCheckFlips([
            flip("ha", nil, .ok, t0), flip("ha", .ok, .failing, t0 + 10), flip("ssh", nil, .ok, t0 + 20),
            flip("ha", .failing, .ok, t0 + 1000),
        ])
        // Two flips of ha go, ssh's only one stays (its state now); and their four log rows go.
        #expect(try await s.deleteEvents(before: t0 + 500) == 2 + 3)
        #expect(try await s.checkFlips(device: "pi-1", since: t0).map(\.at) == [t0 + 20, t0 + 1000])
        #expect(try await s.removeDevice(named: "pi-1"))
        #expect(try await s.checkFlips(device: "pi-1", since: t0).isEmpty)
        #expect(try await s.newestCheckFlips().isEmpty)
    }

    /// A beat's full results that change a check are flips in the store and rows of the device's log; a restarted
    /// collector shows the states before the agent sends them again, and draws each check's bar.
    @Test(arguments: Backend.all) func checkStatesSurviveARestart(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let token = try await h.addDevice("pi-kitchen")
        let ok = [CheckResult(name: "ftl", state: .ok, detail: "", since: h.clock.now())]
        let failing = [CheckResult(name: "ftl", state: .failing, detail: "exit 3", since: h.clock.now() + 30)]
        try await h.test { client in
            for (seq, results) in [(1, ok), (2, ok), (3, failing)] {
                let json = try DeviceChecksTests.json(CheckDigest(of: results, full: true))
                #expect(
                    try await client.post(
                        "/api/v1/heartbeat", DeviceChecksTests.beat(seq: seq, checks: json), token: token
                    )
                    .0 == .ok)
                h.clock.advance(30)
            }
        }
        let stored = try await h.store.checkFlips(device: "pi-kitchen", since: h.clock.now() - 3600)
        #expect(stored.map(\.record.to) == [.ok, .failing] && stored.map(\.record.from) == [nil, .ok])
        let h2 = try await h.restarted(after: 1)
        try await h2.test { client in
            // The digest alone after the restart: the states come from the store.
            let digest = try DeviceChecksTests.json(CheckDigest(of: failing, full: false))
            #expect(
                try await client.post("/api/v1/heartbeat", DeviceChecksTests.beat(seq: 4, checks: digest), token: token)
                    .0 == .ok)
            let view = try await client.getJSON("/api/v1/devices/pi-kitchen", as: DeviceView.self)
            #expect(view.checks.map(\.state) == [.failing] && view.checks.first?.detail == "exit 3")
            let (_, page, _) = try await client.get("/devices/pi-kitchen")
            #expect(page.contains("check ftl: ok -&gt; failing (exit 3)") || page.contains("check ftl: ok -> failing"))
            #expect(page.contains("Last 30 days") && page.contains("class=\"bar\""))
            let (_, text, _) = try await client.get("/api/v1/devices/pi-kitchen/events")
            #expect(text.contains("\"kind\":\"check\"") && text.contains("\"name\":\"ftl\""))
        }
    }

    /// A store that refuses the write of a beat's check flips answers it 503, and the checks in memory go back, so
    /// the agent's resent results record the flip then, once (not lost, not doubled).
    @Test func aFlipTheStoreRefusedIsRecordedFromTheResentResults() async throws {
        let h = try await Harness.make(.sqlite)
        let token = try await h.addDevice("pi-kitchen")
        let sqlite = try #require(h.store as? SQLiteStore)
        let ok = [CheckResult(name: "ftl", state: .ok, detail: "", since: h.clock.now())]
        let failing = [CheckResult(name: "ftl", state: .failing, detail: "exit 3", since: h.clock.now() + 10)]
        try await h.test { client in
            func beat(_ seq: Int, _ results: [CheckResult]) async throws -> HTTPResponse.Status {
                let json = try DeviceChecksTests.json(CheckDigest(of: results, full: true))
                return try await client.post(
                    "/api/v1/heartbeat", DeviceChecksTests.beat(seq: seq, checks: json), token: token
                ).0
            }
            #expect(try await beat(1, ok) == .ok)
            h.clock.advance(20)
            try await CollectorClockTests.readOnly(sqlite, true)
            #expect(try await beat(2, failing) == .serviceUnavailable)
            try await CollectorClockTests.readOnly(sqlite, false)
            h.clock.advance(5)
            #expect(try await beat(3, failing) == .ok)
            #expect(try await beat(4, failing) == .ok)
            let view = try await client.getJSON("/api/v1/devices/pi-kitchen", as: DeviceView.self)
            #expect(view.checks.map(\.state) == [.failing])
        }
        let stored = try await h.store.checkFlips(device: "pi-kitchen", since: h.clock.now() - 3600)
        #expect(stored.map(\.record.from) == [nil, .ok] && stored.map(\.record.to) == [.ok, .failing])
    }
}
