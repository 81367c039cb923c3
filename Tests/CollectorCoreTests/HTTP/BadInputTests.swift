import CollectorCore
import DowntimeProtocol
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct BadInputTests {
    static let good = heartbeatJSON("pi-1")

    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var uri = "/api/v1/heartbeat"
        var body: String
        var contentType = "application/json"
        var status: HTTPResponse.Status = .badRequest
        var field: String?
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "malformed JSON", body: "{\"device\":", field: nil),
        Case(name: "not an object", body: "[1,2]", field: nil),
        Case(
            name: "wrong type", body: good.replacingOccurrences(of: "\"seq\":1", with: "\"seq\":\"one\""), field: "seq"),
        Case(
            name: "unknown field", body: good.replacingOccurrences(of: "\"seq\":1", with: "\"seq\":1,\"admin\":true"),
            field: "admin"),
        Case(name: "missing field", body: good.replacingOccurrences(of: "\"seq\":1,", with: ""), field: "seq"),
        Case(name: "bad name", body: good.replacingOccurrences(of: "\"pi-1\"", with: "\"../../etc\""), field: "device"),
        Case(
            name: "year 1970",
            body: good.replacingOccurrences(of: "2026-11-22T08:00:00Z", with: "1970-01-01T00:00:00Z"), field: "sent_at"),
        Case(
            name: "year 9999",
            body: good.replacingOccurrences(of: "2026-11-22T08:00:00Z", with: "9999-12-31T23:59:59Z"), field: "sent_at"),
        Case(
            name: "negative interval",
            body: good.replacingOccurrences(of: "\"interval_s\":10", with: "\"interval_s\":-10"), field: "interval_s"),
        Case(
            name: "huge number", body: good.replacingOccurrences(of: "\"uptime_s\":100", with: "\"uptime_s\":1e308"),
            field: "uptime_s"),
        Case(name: "null", body: good.replacingOccurrences(of: "\"seq\":1", with: "\"seq\":null"), field: "seq"),
        Case(
            name: "oversize body", body: "{\"device\":\"" + String(repeating: "a", count: 70_000) + "\"}",
            status: .contentTooLarge),
        Case(name: "wrong content type", body: good, contentType: "text/plain", status: .unsupportedMediaType),
        Case(
            name: "event of collector kind", uri: "/api/v1/events",
            body: """
                {"events":[{"id":"\(UUID().uuidString)","device":"pi-1","kind":"collector_down","at":"2026-11-22T08:00:00Z",\
                "start":"2026-11-22T07:00:00Z","end":"2026-11-22T08:00:00Z"}]}
                """, field: "events[0].kind"),
        Case(
            name: "event with bad time", uri: "/api/v1/events",
            body: """
                {"events":[{"id":"\(UUID().uuidString)","device":"pi-1","kind":"shutdown","at":"1970-01-01T00:00:00Z","boot_id":"ab"}]}
                """, field: "events[0].at"),
        Case(name: "invalid UTF-8 bytes", body: "{\"device\":\"pi-\u{FFFD}\"}", field: "device"),
        Case(
            name: "deep nesting", body: String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000),
            field: nil),
    ]

    @Test(arguments: cases)
    func refusedWithJSONNamingTheField(c: Case) async throws {
        let h = try await Harness.make()
        let token = try await h.addDevice("pi-1")
        try await h.test { client in
            let (status, body) = try await client.post(c.uri, c.body, token: token, contentType: c.contentType)
            #expect(status == c.status, "\(body)")
            let error = try WireCoding.decode(ErrorBody.self, from: Array(body.utf8))
            #expect(!error.error.isEmpty)
            #expect(error.field == c.field)
            #expect(try await client.getJSON("/api/v1/devices/pi-1", as: DeviceView.self).status == .new)
        }
        #expect(try await h.store.events(device: "pi-1", since: nil, afterSeq: nil, limit: 10).isEmpty)
    }

    @Test(arguments: [
        "/api/v1/devices/..%2Fetc", "/api/v1/devices/%3Cscript%3E", "/devices/UPPER%20CASE/log.txt",
        "/api/v1/devices/pi-1/events?limit=-1", "/api/v1/devices/pi-1/events?since=yesterday",
        "/api/v1/devices?limit=abc", "/api/v1/devices/pi-1/events?cursor=x",
        // The overview's query (a `QueryError` of the rules, answered by HTTP).
        "/?status=bogus", "/?tag=a%20b", "/?cursor=sideways:pi",
    ])
    func badPathsAndQueriesAreJSON400(uri: String) async throws {
        let h = try await Harness.make()
        _ = try await h.addDevice("pi-1")
        try await h.test { client in
            let (status, body, headers) = try await client.get(uri)
            #expect(status == .badRequest, "\(uri): \(body)")
            #expect(headers[.contentType] == "application/json; charset=utf-8")
            #expect(try WireCoding.decode(ErrorBody.self, from: Array(body.utf8)).field != nil)
        }
    }

    @Test func unknownThingsAre404JSON() async throws {
        let h = try await Harness.make()
        try await h.test { client in
            for uri in ["/api/v1/devices/nobody", "/devices/nobody/log.txt", "/no/such/route"] {
                let (status, body, _) = try await client.get(uri)
                #expect(status == .notFound, "\(uri)")
                #expect((try? WireCoding.decode(ErrorBody.self, from: Array(body.utf8))) != nil, "\(uri): \(body)")
            }
        }
    }
}
