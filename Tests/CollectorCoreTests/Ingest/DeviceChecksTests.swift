import CollectorCore
import DowntimeProtocol
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The beat's `checks` field reaches the API: the full results, kept by a beat with the digest alone;
/// a bad field is a 400 naming it; a beat without it (an older agent) is taken as before.
@Suite(.serialized) struct DeviceChecksTests {
    static func beat(seq: Int, checks: String?) -> String {
        let json = heartbeatJSON("pi-kitchen", seq: seq)
        guard let checks else { return json }
        return json.replacingOccurrences(of: "\"seq\":\(seq),", with: "\"seq\":\(seq),\"checks\":\(checks),")
    }

    static let results = [
        CheckResult(name: "ftl", state: .failing, detail: "exit 3", since: Date(timeIntervalSince1970: 1_795_335_000)),
        CheckResult(name: "ssh", state: .ok, detail: "", since: Date(timeIntervalSince1970: 1_795_334_000)),
    ]

    static func json(_ digest: CheckDigest) throws -> String {
        String(decoding: try WireCoding.encode(digest), as: UTF8.self)
    }

    @Test(arguments: Backend.all) func theChecksShowOnTheAPI(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let token = try await h.addDevice("pi-kitchen")
        try await h.test { client in
            #expect(try await client.post("/api/v1/heartbeat", Self.beat(seq: 1, checks: nil), token: token).0 == .ok)
            #expect(try await client.getJSON("/api/v1/devices/pi-kitchen", as: DeviceView.self).checks.isEmpty)
            let full = try Self.json(CheckDigest(of: Self.results, full: true))
            #expect(try await client.post("/api/v1/heartbeat", Self.beat(seq: 2, checks: full), token: token).0 == .ok)
            let digestOnly = try Self.json(CheckDigest(of: Self.results, full: false))
            #expect(
                try await client.post("/api/v1/heartbeat", Self.beat(seq: 3, checks: digestOnly), token: token).0
                    == .ok)
            let view = try await client.getJSON("/api/v1/devices/pi-kitchen", as: DeviceView.self)
            #expect(view.status == .up && view.checks == Self.results)
            let bad = #"{"digest":"00000000","count":1,"failing":2,"unknown":0}"#
            let (status, body) = try await client.post(
                "/api/v1/heartbeat", Self.beat(seq: 4, checks: bad), token: token)
            #expect(status == .badRequest && body.contains("\"field\":\"checks.count\""))
        }
    }
}
