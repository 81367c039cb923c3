import CollectorCore
import CollectorRules
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// API keys on both backends and through the real router: shown once, stored hashed, their last use noted (at most
/// once a minute); `Bearer KEY` opens the read API and `/metrics` and nothing else; a device's token is never a key
/// and a key never a device's token.
@Suite struct APIKeysTests {
    @Test(arguments: Backend.all) func keysAreAddedFoundUsedAndRevoked(_ backend: Backend) async throws {
        let h = try StoreHandle.fresh(backend)
        defer { h.remove() }
        let clock = ManualClock()
        let keys = APIKeys(store: try await h.open(), clock: clock)
        let (key, record) = try await keys.add("Grafana", scope: .read)
        #expect(key.hasPrefix("dtk_") && key.count == 47 && record.name == "grafana")
        #expect(record.keyHash == Tokens.hex(Tokens.hash(key)) && !record.keyHash.contains(key))
        _ = try await keys.add("ha", scope: .admin)
        await #expect(throws: AdminError.keyTaken("ha")) { try await keys.add("ha", scope: .read) }
        await #expect(throws: AdminError.invalidKeyName("a b")) { try await keys.add("a b", scope: .read) }
        #expect(
            try await keys.list().map { "\($0.name) \($0.scope) \($0.lastUsedAt == nil)" } == [
                "grafana read true", "ha admin true",
            ])
        #expect(try await keys.key(key)?.name == "grafana")
        let firstUse = clock.now()
        clock.advance(30)
        _ = try await keys.key(key)
        // Written at most once a minute, so a busy script does not write on every request.
        let other = APIKeys(store: try await h.open(), clock: clock)
        #expect(try await other.list().first?.lastUsedAt == firstUse)
        clock.advance(31)
        _ = try await keys.key(key)
        #expect(try await other.list().first?.lastUsedAt == clock.now())
        #expect(try await keys.key("dtk_" + String(key.dropFirst(4).reversed())) == nil)
        #expect(try await keys.key(Tokens.generate()) == nil)
        #expect(try await keys.revoke("grafana") == "grafana")
        await #expect(throws: AdminError.noKey("grafana")) { try await keys.revoke("grafana") }
        #expect(try await keys.key(key) == nil)
    }

    static func get(_ client: any TestClientProtocol, _ uri: String, bearer: String? = nil, basic: String? = nil)
        async throws -> (status: HTTPResponse.Status, body: String)
    {
        var headers: HTTPFields = [:]
        if let bearer { headers[.authorization] = "Bearer \(bearer)" }
        if let basic { headers[.authorization] = "Basic " + Data("x:\(basic)".utf8).base64EncodedString() }
        return try await client.execute(uri: uri, method: .get, headers: headers) {
            ($0.status, String(buffer: $0.body))
        }
    }

    @Test func aKeyOpensTheReadAPIAndMetricsOnlyAndIsNeverADevice() async throws {
        var config = CollectorConfig()
        config.pagePassword = "family secret"
        let h = try await Harness.make(config: config)
        let token = try await h.addDevice("pi-1")
        let read = try await h.collector.access.keys.add("grafana", scope: .read).key
        let admin = try await h.collector.access.keys.add("ha", scope: .admin).key
        try await h.test { client in
            for key in [read, admin] {
                for uri in ["/api/v1/devices", "/api/v1/devices/pi-1", "/api/v1/summary", "/metrics"] {
                    #expect(try await Self.get(client, uri, bearer: key).status == .ok, "\(uri)")
                }
                // Not the pages: they are for people.
                for uri in ["/", "/devices/pi-1", "/badge/pi-1.svg"] {
                    #expect(try await Self.get(client, uri, bearer: key).status == .unauthorized, "\(uri)")
                }
                // A key never reports as a device.
                #expect(
                    try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1"), token: key).0 == .unauthorized)
            }
            // A device's token is never a key.
            let device = try await Self.get(client, "/api/v1/devices", bearer: token)
            #expect(device.status == .unauthorized && device.body.contains("not an API key"))
            #expect(try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1"), token: token).0 == .ok)
            #expect(try await Self.get(client, "/api/v1/devices", basic: "family secret").status == .ok)
            #expect(try await Self.get(client, "/api/v1/devices").status == .unauthorized)
            try await h.collector.access.keys.revoke("grafana")
            #expect(try await Self.get(client, "/metrics", bearer: read).status == .unauthorized)
        }
        let left = try await h.collector.access.keys.list()
        #expect(left.map(\.name) == ["ha"] && left.first?.lastUsedAt == h.clock.now())
    }

    @Test func aWrongKeyIsRefusedEvenWhereReadingIsOpen() async throws {
        let h = try await Harness.make()
        let token = try await h.addDevice("pi-1")
        try await h.test { client in
            let open = try await Self.get(client, "/api/v1/devices")
            #expect(open.status == .ok)
            #expect(try await Self.get(client, "/api/v1/devices", bearer: token).status == .unauthorized)
            #expect(try await Self.get(client, "/metrics", bearer: "dtk_wrong").status == .unauthorized)
        }
    }
}
