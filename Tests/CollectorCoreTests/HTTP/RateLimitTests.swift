import CollectorCore
import DowntimeProtocol
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct RateLimiterTests {
    @Test func bucketAllowsTheBurstThenRefillsWithTheClock() {
        let clock = ManualClock()
        let limiter = RateLimiter(RateLimit(burst: 3, perSecond: 0.5), clock: clock)
        #expect((0..<3).map { _ in limiter.take("a") } == [nil, nil, nil])
        #expect(limiter.take("a") == 2) // one token needs 2 s at 0.5/s
        #expect(limiter.take("b") == nil) // keys are independent
        clock.advance(1.9)
        #expect(limiter.take("a") == 1)
        clock.advance(0.1)
        #expect(limiter.take("a") == nil)
        #expect(limiter.take("a") != nil)
        clock.advance(3600) // refills up to the burst, no further
        #expect((0..<4).map { _ in limiter.take("a") == nil } == [true, true, true, false])
    }

    @Test func aClockSteppedBackRefillsNothing() {
        let clock = ManualClock()
        let limiter = RateLimiter(RateLimit(burst: 1, perSecond: 1), clock: clock)
        #expect(limiter.take("a") == nil)
        clock.advance(-600)
        #expect(limiter.take("a") != nil)
    }

    @Test func keysAreBoundedAndNewKeysWaitWhenAllAreBusy() {
        let clock = ManualClock()
        let limiter = RateLimiter(RateLimit(burst: 2, perSecond: 1), clock: clock, maxKeys: 100)
        for i in 0..<100 { #expect(limiter.take("k\(i)") == nil) }
        #expect(limiter.take("new") == 1) // every bucket is busy: refused, not stored
        #expect(limiter.keyCount == 100)
        clock.advance(1) // all refilled: forgotten to make room
        #expect(limiter.take("new") == nil)
        #expect(limiter.keyCount == 1)
    }
}

@Suite struct AuthTests {
    static let enroll = "/api/v1/enroll"

    static func enrollBody(_ key: String, device: String = "pi-9") -> String {
        "{\"device\":\"\(device)\",\"enrollment_key\":\"\(key)\"}"
    }

    @Test func wrongEnrollmentKeysAreRefusedThenRateLimited() async throws {
        var config = CollectorConfig()
        config.enrollmentKey = "correct-horse-battery"
        let h = try await Harness.make(config: config)
        try await h.test { client in
            for _ in 0..<5 {
                let (status, body) = try await client.post(Self.enroll, Self.enrollBody("wrong-key-here"), token: nil)
                #expect(status == .forbidden && body.contains("\"field\":\"enrollment_key\""))
            }
            let (limited, headers, body) = try await client.execute(
                uri: Self.enroll, method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: Self.enrollBody("wrong-key-here"))
            ) { ($0.status, $0.headers, String(buffer: $0.body)) }
            #expect(limited == .tooManyRequests)
            #expect(headers[.retryAfter] == "12" && headers[.contentType] == "application/json; charset=utf-8")
            #expect(try WireCoding.decode(ErrorBody.self, from: Array(body.utf8)).error.contains("retry in 12 s"))
            // Even the right key waits: guessing costs time, whatever the guess.
            #expect(
                try await client.post(Self.enroll, Self.enrollBody("correct-horse-battery"), token: nil).0
                    == .tooManyRequests)
            h.clock.advance(12)
            #expect(try await client.post(Self.enroll, Self.enrollBody("correct-horse-battery"), token: nil).0 == .ok)
            #expect(
                try await client.post(Self.enroll, Self.enrollBody("wrong-key-here"), token: nil).0 == .tooManyRequests)
        }
        #expect(try await h.store.allDevices().map(\.name) == ["pi-9"])
    }

    @Test func ingestIsLimitedPerDeviceFarAboveANormalAgent() async throws {
        let h = try await Harness.make()
        let a = try await h.addDevice("pi-a")
        let b = try await h.addDevice("pi-b")
        let burst = Int(h.config.rateLimits.ingestPerDevice.burst)
        // A normal agent beats once per interval (at least 1 s): a day of it at 1 s never hits the limit.
        #expect(h.config.rateLimits.ingestPerDevice.perSecond >= 1 && burst >= 10)
        try await h.test { client in
            for i in 0..<burst {
                #expect(try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-a", seq: i), token: a).0 == .ok)
            }
            let (status, body) = try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-a"), token: a)
            #expect(status == .tooManyRequests && body.contains("retry in 1 s"))
            let batch = IngestTests.outageBatch(id: UUID(), device: "pi-a")
            #expect(try await client.post("/api/v1/events", batch, token: a).0 == .tooManyRequests)
            // Another device is not affected, and refusals of others' requests used none of b's allowance.
            for _ in 0..<3 { _ = try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-b"), token: a) }
            for _ in 0..<3 { _ = try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-b"), token: "dtm_wrong") }
            for i in 0..<burst {
                #expect(try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-b", seq: i), token: b).0 == .ok)
            }
            h.clock.advance(1)
            #expect(try await client.post("/api/v1/events", batch, token: a).0 == .ok)
        }
    }

    @Test func noTokenIs401BeforeTheBodyIsLookedAt() async throws {
        let h = try await Harness.make()
        _ = try await h.addDevice("pi-1")
        try await h.test { client in
            for uri in ["/api/v1/heartbeat", "/api/v1/events"] {
                for body in ["{not json", heartbeatJSON("pi-1"), "{}"] {
                    let (status, headers, text) = try await client.execute(
                        uri: uri, method: .post, headers: [.contentType: "application/json"],
                        body: ByteBuffer(string: body)
                    ) { ($0.status, $0.headers, String(buffer: $0.body)) }
                    #expect(status == .unauthorized, "\(uri) \(body): \(text)")
                    #expect(headers[.wwwAuthenticate] == "Bearer")
                }
                // With a valid body, any token that is not pi-1's (or is malformed) is a 401.
                let valid = uri.hasSuffix("heartbeat") ? heartbeatJSON("pi-1") : IngestTests.outageBatch(id: UUID())
                for auth in [
                    "Basic cGk6cGk=", "Bearer", "Bearer ", "bearer dtm_unknown",
                    "Bearer " + String(repeating: "a", count: 300),
                ] {
                    let status = try await client.execute(
                        uri: uri, method: .post, headers: [.contentType: "application/json", .authorization: auth],
                        body: ByteBuffer(string: valid)
                    ) { $0.status }
                    #expect(status == .unauthorized, "\(uri) \(auth)")
                }
            }
        }
    }

    @Test func tokenCheckRunsInConstantTimeOverTheWholeHash() {
        // No early exit: equal prefixes and a difference in the last byte are both just "false".
        let a = Tokens.hash("dtm_a")
        let b = Tokens.hash("dtm_b")
        var lastByte = a
        lastByte[lastByte.count - 1] ^= 1
        #expect(Tokens.constantTimeEqual(a, a))
        #expect(!Tokens.constantTimeEqual(a, b) && !Tokens.constantTimeEqual(a, lastByte))
        #expect(!Tokens.constantTimeEqual(a, Array(a.dropLast())))
    }
}

@Suite struct MethodTests {
    @Test func otherMethodsOnARouteAre405WithAllow() async throws {
        let h = try await Harness.make()
        try await h.test { client in
            for (uri, method, allow) in [
                ("/healthz", HTTPRequest.Method.put, "GET, HEAD"), ("/api/v1/heartbeat", .get, "POST"),
                ("/api/v1/devices/pi-1", .delete, "GET, HEAD"), ("/devices/x/log.txt", .post, "GET, HEAD"),
            ] {
                let (status, headers, body) = try await client.execute(uri: uri, method: method) {
                    ($0.status, $0.headers, String(buffer: $0.body))
                }
                #expect(status == .methodNotAllowed, "\(method) \(uri)")
                #expect(headers[.allow] == allow)
                #expect(try WireCoding.decode(ErrorBody.self, from: Array(body.utf8)).error.contains("not allowed"))
            }
            #expect(try await client.execute(uri: "/no/such/thing", method: .put) { $0.status } == .notFound)
        }
    }

    @Test func headIsGetWithoutTheBody() async throws {
        let h = try await Harness.make()
        _ = try await h.addDevice("pi-1")
        try await h.test { client in
            let (status, headers, body) = try await client.execute(uri: "/api/v1/devices/pi-1", method: .head) {
                ($0.status, $0.headers, $0.body.readableBytes)
            }
            #expect(status == .ok)
            #expect(body == 0)
            #expect(headers[.contentType] == "application/json; charset=utf-8")
            #expect(try await client.execute(uri: "/api/v1/devices/nobody", method: .head) { $0.status } == .notFound)
        }
    }
}
