import CurlClient
import Foundation
import Testing

@testable import AgentCore

/// Real libcurl against a real HTTP server on 127.0.0.1.
@Suite(.serialized) struct CurlTransportTests {
    @Test func postsJSONWithTheTokenAndReadsStatusAndBody() throws {
        let server = try TestHTTPServer()
        defer { server.stop() }
        try server.answer(
            "/api/v1/heartbeat", status: 200, body: #"{"server_time":"2026-11-22T08:00:00Z","interval_s":10}"#)
        let t = try CurlTransport(baseURL: server.url + "/")
        let r = try t.post("/api/v1/heartbeat", body: Array(#"{"a":1}"#.utf8), bearer: "secret-token", timeout: nil)
        #expect(r.status == 200)
        #expect(String(decoding: r.body, as: UTF8.self) == #"{"server_time":"2026-11-22T08:00:00Z","interval_s":10}"#)
        let seen = try #require(server.requests.first)
        #expect(seen.path == "/api/v1/heartbeat" && seen.body == #"{"a":1}"#)
        #expect(seen.auth == "Bearer secret-token" && seen.ctype == "application/json")
    }

    @Test func reusesOneConnection() throws {
        let server = try TestHTTPServer()
        defer { server.stop() }
        let t = try CurlTransport(baseURL: server.url)
        for i in 0..<5 { _ = try t.post("/x", body: Array("{\"i\":\(i)}".utf8), bearer: nil, timeout: nil) }
        let seen = server.requests
        #expect(seen.count == 5)
        #expect(Set(seen.map(\.conn)).count == 1)
        #expect(seen.allSatisfy { $0.auth == nil })
    }

    @Test func errorStatusesAreAnswersNotErrors() throws {
        let server = try TestHTTPServer()
        defer { server.stop() }
        try server.answer("/api/v1/events", status: 400, body: #"{"error":"bad","field":"events"}"#)
        try server.answer("/busy", status: 503, body: "")
        let t = try CurlTransport(baseURL: server.url)
        let bad = try t.post("/api/v1/events", body: Array("{}".utf8), bearer: "t", timeout: nil)
        #expect(bad.status == 400 && String(decoding: bad.body, as: UTF8.self).contains("events"))
        #expect(try t.post("/busy", body: Array("{}".utf8), bearer: "t", timeout: nil).status == 503)
    }

    @Test func aSlowServerHitsTheTimeout() throws {
        let server = try TestHTTPServer()
        defer { server.stop() }
        try server.answer("/slow", status: 200, delay: 3)
        let t = try CurlTransport(baseURL: server.url, totalTimeout: 10)
        let start = Date()
        #expect(throws: CurlError.self) { try t.post("/slow", body: Array("{}".utf8), bearer: nil, timeout: 0.5) }
        #expect(Date().timeIntervalSince(start) < 2)
        // The handle still works afterwards.
        #expect(try t.post("/fast", body: Array("{}".utf8), bearer: nil, timeout: nil).status == 200)
    }

    /// The agent's state write rides on libcurl's progress callback while an answer is held
    /// (DESIGN: Gap detection on the agent).
    @Test func aHeldAnswerCallsTheWaitHookMeanwhile() throws {
        let server = try TestHTTPServer()
        defer { server.stop() }
        try server.answer("/held", status: 200, delay: 2.5)
        let t = try CurlTransport(baseURL: server.url, totalTimeout: 10)
        var calls = 0
        t.whileWaiting = { calls += 1 }
        #expect(try t.post("/held", body: Array("{}".utf8), bearer: nil, timeout: nil).status == 200)
        #expect(calls >= 2, "\(calls) calls in 2.5 s")
        // Without a hook, nothing is called and the handle works as before.
        t.whileWaiting = nil
        let before = calls
        #expect(try t.post("/fast", body: Array("{}".utf8), bearer: nil, timeout: nil).status == 200)
        #expect(calls == before)
    }

    @Test func nobodyListeningIsATransportError() throws {
        let server = try TestHTTPServer()
        let url = server.url
        server.stop()
        let t = try CurlTransport(baseURL: url, connectTimeout: 1)
        #expect(throws: CurlError.self) { try t.post("/x", body: Array("{}".utf8), bearer: nil, timeout: nil) }
    }

    @Test func httpsWithAGivenCAFileAndRefusedWithout() throws {
        let server = try TestHTTPServer(tls: true)
        defer { server.stop() }
        let trusted = try CurlTransport(baseURL: server.url, caFile: server.caFile)
        #expect(try trusted.post("/x", body: Array("{}".utf8), bearer: "t", timeout: nil).status == 200)
        // The system store does not know this self-signed certificate.
        let untrusted = try CurlTransport(baseURL: server.url)
        #expect(throws: CurlError.self) { try untrusted.post("/x", body: Array("{}".utf8), bearer: "t", timeout: nil) }
    }

    /// `sha256//…` of a PEM key's public half, by openssl.
    static func pin(ofKey key: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = [
            "-c", "openssl pkey -in \"$0\" -pubout -outform DER | openssl dgst -sha256 -binary | base64", key,
        ]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return "sha256//" + String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func thePinAloneIsEnoughAndAWrongPinOrCAIsNamed() throws {
        let server = try TestHTTPServer(tls: true)
        defer { server.stop() }
        let pin = try Self.pin(ofKey: server.dir.file("key.pem"))
        let pinned = try CurlTransport(baseURL: server.url, pinSHA256: pin)
        #expect(try pinned.post("/x", body: Array("{}".utf8), bearer: "t", timeout: nil).status == 200)
        let both = try CurlTransport(baseURL: server.url, caFile: server.caFile, pinSHA256: pin)
        #expect(try both.post("/x", body: Array("{}".utf8), bearer: "t", timeout: nil).status == 200)

        let wrongPin = "sha256//" + String(repeating: "A", count: 43) + "="
        for (transport, expected) in [
            (try CurlTransport(baseURL: server.url, pinSHA256: wrongPin), TLSFailure.pinMismatch),
            (try CurlTransport(baseURL: server.url, caFile: server.caFile, pinSHA256: wrongPin), .pinMismatch),
            (try CurlTransport(baseURL: server.url), .untrustedCA),
        ] {
            do {
                _ = try transport.post("/x", body: Array("{}".utf8), bearer: "t", timeout: nil)
                Issue.record("accepted")
            } catch {
                #expect(error.tls == expected, "\(error.message)")
                #expect(error.message.contains(expected.sentence))
            }
        }
        // Two accepted requests only: the refused ones never reached the server.
        #expect(server.requests.count == 2)
    }
}
