import CollectorCore
import DowntimeProtocol
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `DeviceAdmin.regenerateToken` (the CLI's `device token` and the admin page's button): the old token stops
/// working at once in a running server, also though its fleet caches token hashes.
@Suite struct TokenRegenerationTests {
    @Test(arguments: Backend.all) func serverChangeReachesTheLiveFleetAtOnce(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let old = try await h.addDevice("pi-1")
        try await h.test { client in
            #expect(try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1"), token: old).0 == .ok)
            let new = try await h.collector.admin.devices.regenerateToken(device: "PI-1")
            try await h.collector.admin.changed()
            #expect(new.name == "pi-1" && new.token != old)
            #expect(try await h.store.device(named: "pi-1")?.tokenHash == Tokens.hash(new.token))
            #expect(
                try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1", seq: 2), token: old).0
                    == .unauthorized)
            #expect(
                try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1", seq: 3), token: new.token).0
                    == .ok)
        }
    }

    @Test(arguments: Backend.all) func cliChangeReachesTheServerOnItsNextSweep(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let old = try await h.addDevice("pi-1")
        let cli = DeviceAdmin(store: try await h.otherConnection(), clock: h.clock)
        let new = try await cli.regenerateToken(device: "pi-1")
        try await h.collector.sweeper.sweep()
        try await h.test { client in
            let refused = try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1"), token: old)
            let taken = try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1"), token: new.token)
            #expect(refused.0 == .unauthorized && taken.0 == .ok)
        }
        for (raw, expected) in [("ghost", AdminError.noDevice("ghost")), ("a/b", AdminError.invalidName("a/b"))] {
            do {
                _ = try await cli.regenerateToken(device: raw)
                Issue.record("accepted \(raw)")
            } catch let error as AdminError {
                #expect(error == expected)
            }
        }
    }
}
