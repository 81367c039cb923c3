import CollectorCore
import DowntimeProtocol
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct SelfPingStateTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_335_000)

    /// Outcomes in order (nil: it worked) and the change each gives: a log line per change of state only.
    @Test(
        arguments: [
            ([nil, nil], [nil, nil] as [SelfPingState.Change?]),
            (["refused"], [.failing("refused")]),
            (["refused", "refused", nil, nil], [.failing("refused"), nil, .worksAgain, nil]),
            (
                [nil, "timeout", "refused", nil, "status 500"],
                [nil, .failing("timeout"), nil, .worksAgain, .failing("status 500")]
            ),
        ] as [([String?], [SelfPingState.Change?])])
    func oneLinePerChangeOfState(outcomes: [String?], changes: [SelfPingState.Change?]) {
        var state = SelfPingState()
        var got: [SelfPingState.Change?] = []
        for (i, failure) in outcomes.enumerated() {
            got.append(state.observe(failure: failure, at: Self.t0 + Double(i)))
        }
        #expect(got == changes)
        #expect(state.ok == outcomes.filter { $0 == nil }.count)
        #expect(state.failed == outcomes.filter { $0 != nil }.count)
        let lastOK = outcomes.lastIndex { $0 == nil }
        #expect(state.lastSuccess == lastOK.map { Self.t0 + Double($0) })
    }

    @Test func metricsSayCountsAndLastSuccessOnlyWhenConfigured() {
        var state = SelfPingState()
        _ = state.observe(failure: nil, at: Self.t0)
        _ = state.observe(failure: "refused", at: Self.t0 + 60)
        var snapshot = CollectorHealth(logger: .init(label: "t"), dataDir: nil).snapshot()
        snapshot.selfPing = state
        let text = MetricsExport.collector(snapshot, selfPing: true)
        #expect(text.contains("# TYPE downtime_self_ping_total counter\n"))
        #expect(text.contains("downtime_self_ping_total{result=\"ok\"} 1\n"))
        #expect(text.contains("downtime_self_ping_total{result=\"failed\"} 1\n"))
        #expect(text.contains("downtime_self_ping_last_success_timestamp_seconds 1795335000.000\n"))
        #expect(!MetricsExport.collector(snapshot).contains("downtime_self_ping"))
    }

    @Test(arguments: [
        ("DOWNTIME_SELF_PING_URL=hc-ping.com/abc", "DOWNTIME_SELF_PING_URL"),
        ("DOWNTIME_SELF_PING_URL=ftp://example.com/x", "DOWNTIME_SELF_PING_URL"),
        ("DOWNTIME_SELF_PING_URL=http:///nohost", "DOWNTIME_SELF_PING_URL"),
        ("DOWNTIME_SELF_PING_INTERVAL=0", "DOWNTIME_SELF_PING_INTERVAL"),
        ("DOWNTIME_SELF_PING_INTERVAL=soon", "DOWNTIME_SELF_PING_INTERVAL"),
    ])
    func badSettingsAreAStartError(line: String, key: String) throws {
        let layer = try CollectorConfig.parseFile(line, name: "f")
        #expect(throws: ConfigError.self) { try CollectorConfig.resolve([layer]) }
        do { _ = try CollectorConfig.resolve([layer]) } catch let e as ConfigError { #expect(e.key == key) }
    }

    @Test func settingsAndDefaults() throws {
        #expect(try CollectorConfig.resolve([]).selfPingURL == nil)
        #expect(try CollectorConfig.resolve([]).selfPingInterval == 60)
        let c = try CollectorConfig.resolve([
            [.selfPingURL: "https://hc-ping.com/5f0e", .selfPingInterval: "30"]
        ])
        #expect(c.selfPingURL == "https://hc-ping.com/5f0e" && c.selfPingInterval == 30)
    }
}

/// The self-ping in the running application (its service beside the sweeper), through real libcurl on loopback.
@Suite(.serialized) struct SelfPingTests {
    static func config(_ url: String) -> CollectorConfig {
        var c = CollectorConfig()
        c.selfPingURL = url
        c.selfPingInterval = 1
        // 3 s: the whole unit suite runs at once on two cores, and a CI run saw the receiver answer after 2 s.
        c.selfPingTimeout = 3
        return c
    }

    static func metric(_ text: String, _ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    @Test func reachesTheReceiverOnItsInterval() async throws {
        try await withReceiver { port, inbox in
            // The pinger starts with the collector: no ping can be sent before this.
            let begun = Date()
            let h = try await Harness.make(config: Self.config("http://127.0.0.1:\(port)/ping/5f0e?create=1"))
            let app = buildApplication(h.collector)
            try await app.test(.live) { client in
                try await Task.sleep(for: .milliseconds(3500))
                let got = await inbox.requests
                // At the start, then every second from each start: never more than one a second since the collector
                // began (plus the first), at least two (it repeats). The span is measured, not assumed: a loaded
                // machine oversleeps (a CI run saw five in a nominal 3.5 s). Arrival times say nothing of the sending:
                // a request may arrive late and the next on time (a CI run saw two within 0.8 s).
                let span = Date().timeIntervalSince(begun)
                #expect(got.count >= 2 && got.count <= Int(span) + 1, "\(got.map(\.at)), span \(span) s")
                #expect(got.allSatisfy { $0.method == "GET" && $0.path == "/ping/5f0e" })
                let (status, text, _) = try await client.get("/metrics")
                #expect(status == .ok)
                #expect((Self.metric(text, "downtime_self_ping_total{result=\"ok\"}") ?? 0) >= Double(got.count))
                #expect(Self.metric(text, "downtime_self_ping_total{result=\"failed\"}") == 0)
                #expect((Self.metric(text, "downtime_self_ping_last_success_timestamp_seconds") ?? 0) > 0)
            }
        }
    }

    @Test func aDeadReceiverChangesNothingElse() async throws {
        let port = try freeLoopbackPort()
        let h = try await Harness.make(config: Self.config("http://127.0.0.1:\(port)/ping"))
        let token = try await h.addDevice("pi-a")
        let app = buildApplication(h.collector)
        try await app.test(.live) { client in
            for seq in 1...3 {
                let (status, body) = try await client.post(
                    "/api/v1/heartbeat", heartbeatJSON("pi-a", seq: seq), token: token)
                #expect(status == .ok, "\(body)")
                try await Task.sleep(for: .milliseconds(800))
            }
            let view = try await client.getJSON("/api/v1/devices/pi-a", as: DeviceView.self)
            #expect(view.status == .up && view.lastSeen != nil)
            let (page, html, _) = try await client.get("/")
            #expect(page == .ok && html.contains("pi-a"))
            let (_, text, _) = try await client.get("/metrics")
            #expect(Self.metric(text, "downtime_self_ping_total{result=\"ok\"}") == 0)
            #expect((Self.metric(text, "downtime_self_ping_total{result=\"failed\"}") ?? 0) >= 2, "\(text)")
            #expect(Self.metric(text, "downtime_self_ping_last_success_timestamp_seconds") == 0)
        }
    }
}
