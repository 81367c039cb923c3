import CollectorCore
import Testing

@Suite struct ConfigTests {
    @Test func layersWinInOrder() throws {
        let file = try CollectorConfig.parseFile(
            "# comment\nDOWNTIME_PORT=9000\nDOWNTIME_MISSES = 5\n\nDOWNTIME_DATA_DIR=\"/srv/d\"\n", name: "f")
        let env = CollectorConfig.environmentLayer(["DOWNTIME_PORT": "9100", "HOME": "/root"])
        let c = try CollectorConfig.resolve([file, env, [.host: "127.0.0.1"]])
        #expect(c.port == 9100 && c.policy.misses == 5 && c.dataDir == "/srv/d" && c.host == "127.0.0.1")
        #expect(c.enrollmentKey == nil && c.policy.grace == 5)
    }

    @Test func defaults() throws {
        let c = try CollectorConfig.resolve([])
        #expect(c.port == 8899 && c.dataDir == "./data" && c.policy.misses == 3 && c.defaultInterval == 10)
    }

    @Test(arguments: [
        ("DOWNTIME_PORT=http", "DOWNTIME_PORT"), ("DOWNTIME_PORT=70000", "DOWNTIME_PORT"),
        ("DOWNTIME_MISSES=0", "DOWNTIME_MISSES"), ("DOWNTIME_ENROLLMENT_KEY=short", "DOWNTIME_ENROLLMENT_KEY"),
        ("DOWNTIME_SITE=holiday house", "DOWNTIME_SITE"),
    ])
    func badValuesNameTheKey(line: String, key: String) throws {
        let layer = try CollectorConfig.parseFile(line, name: "f")
        #expect(throws: ConfigError.self) { try CollectorConfig.resolve([layer]) }
        do { _ = try CollectorConfig.resolve([layer]) } catch let e as ConfigError { #expect(e.key == key) }
    }

    @Test func theProxysLoginNeedsItsProxiesAndItsHeader() throws {
        #expect(try CollectorConfig.resolve([]).proxyLogin == nil)
        let on = try CollectorConfig.resolve([
            [.trustedProxies: "127.0.0.1/32, 10.0.0.0/8", .authHeader: "Remote-User", .authHeaderRole: "viewer"]
        ])
        #expect(on.proxyLogin?.trusted.map(\.description) == ["127.0.0.1/32", "10.0.0.0/8"])
        #expect(on.proxyLogin?.header == "Remote-User" && on.proxyLogin?.createAs == .viewer)
        let refused: [([CollectorConfig.Key: String], String)] = [
            ([.trustedProxies: "127.0.0.1/32"], "DOWNTIME_AUTH_HEADER"),
            ([.authHeader: "Remote-User"], "DOWNTIME_TRUSTED_PROXIES"),
            ([.trustedProxies: "localhost", .authHeader: "Remote-User"], "DOWNTIME_TRUSTED_PROXIES"),
            ([.trustedProxies: "127.0.0.1/32", .authHeader: "Remote User"], "DOWNTIME_AUTH_HEADER"),
            (
                [.trustedProxies: "127.0.0.1/32", .authHeader: "Remote-User", .authHeaderRole: "root"],
                "DOWNTIME_AUTH_HEADER_ROLE"
            ),
        ]
        for (values, key) in refused {
            do {
                _ = try CollectorConfig.resolve([values])
                Issue.record("\(values) was taken")
            } catch let e as ConfigError { #expect(e.key == key, "\(values)") }
        }
    }

    @Test func theCollectorsSiteIsReadLikeADevicesSite() throws {
        #expect(try CollectorConfig.resolve([]).site == nil)
        #expect(try CollectorConfig.resolve([[.site: "Holiday-House"]]).site == "holiday-house")
        // `default` names the default site.
        #expect(try CollectorConfig.resolve([[.site: "default"]]).site == nil)
    }

    @Test func unknownKeysAndJunkLinesAreRefused() {
        #expect(throws: ConfigError.self) { try CollectorConfig.parseFile("DOWNTIME_PROT=1", name: "f") }
        #expect(throws: ConfigError.self) { try CollectorConfig.parseFile("just words", name: "f") }
    }
}
