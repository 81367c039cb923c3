import CollectorCore
import DowntimeProtocol
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct PagePasswordTests {
    static func basic(_ user: String, _ password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    @Test func readSideNeedsThePasswordAgentsDoNot() async throws {
        var config = CollectorConfig()
        config.pagePassword = "open sesame"
        let h = try await Harness.make(config: config)
        let token = try await h.addDevice("pi-1")
        try await h.test { client in
            for uri in [
                "/", "/devices/pi-1", "/api/v1/devices", "/api/v1/devices/pi-1/events", "/badge/all.svg", "/metrics",
            ] {
                let status = try await client.execute(uri: uri, method: .get) { $0.status }
                #expect(status == .unauthorized, "\(uri)")
                let wrong = try await client.execute(
                    uri: uri, method: .get, headers: [.authorization: Self.basic("x", "nope")]
                ) {
                    ($0.status, $0.headers[.wwwAuthenticate])
                }
                #expect(wrong.0 == .unauthorized && wrong.1?.hasPrefix("Basic realm=") == true, "\(uri)")
                let right = try await client.execute(
                    uri: uri, method: .get, headers: [.authorization: Self.basic("anyone", "open sesame")]
                ) {
                    $0.status
                }
                #expect(right == .ok, "\(uri)")
            }
            // Agents, pings and the health check carry their own tokens or nothing to hide.
            let (beat, _) = try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1"), token: token)
            #expect(beat == .ok)
            let (ping, _, _) = try await client.get("/ping/\(token)")
            let (health, _, _) = try await client.get("/healthz")
            #expect(ping == .ok && health == .ok)
        }
    }

    @Test func noPasswordByDefault() async throws {
        let h = try await Harness.make()
        try await h.test { client in
            let (status, _, _) = try await client.get("/")
            #expect(status == .ok)
        }
    }

    @Test func guessingThePasswordIsRateLimited() async throws {
        var config = CollectorConfig()
        config.pagePassword = "open sesame"
        let h = try await Harness.make(config: config)
        try await h.test { client in
            var statuses: [HTTPResponse.Status] = []
            for i in 0..<12 {
                statuses.append(
                    try await client.execute(
                        uri: "/", method: .get, headers: [.authorization: Self.basic("x", "guess\(i)")]
                    ) {
                        $0.status
                    })
            }
            #expect(statuses.prefix(10).allSatisfy { $0 == .unauthorized })
            #expect(statuses.suffix(2).allSatisfy { $0 == .tooManyRequests })
            // Asking without a password (a browser's first request) is not charged.
            let first = try await client.execute(uri: "/", method: .get) { $0.status }
            #expect(first == .unauthorized)
        }
    }
}
