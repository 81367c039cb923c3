import DowntimeProtocol
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CollectorCore
@testable import CollectorRules

#if canImport(Glibc)
    import Glibc
#endif

extension RawSocket {
    /// Reads (on a thread of its own, off Swift's cooperative pool) until `needle` has come or `seconds` pass.
    func read(until needle: String, seconds: Double) async -> String {
        await withCheckedContinuation { (c: CheckedContinuation<String, Never>) in
            Thread.detachNewThread {
                var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                let end = Date() + seconds
                var out: [UInt8] = []
                var buf = [UInt8](repeating: 0, count: 4096)
                while Date() < end, !String(decoding: out, as: UTF8.self).contains(needle) {
                    let n = recv(fd, &buf, buf.count, 0)
                    if n > 0 { out += buf[0..<n] } else if n == 0 { break }
                }
                c.resume(returning: String(decoding: out, as: UTF8.self))
            }
        }
    }
}

/// The event stream (`GET /api/v1/stream`) read over a real socket, and the change feed behind it.
@Suite struct StreamTests {
    static func flip(_ device: String, _ from: DeviceStatus, _ to: DeviceStatus) -> FlipChange {
        FlipChange.flip(
            device, from: from, to: to, at: Date(timeIntervalSince1970: 1_795_335_000), reason: .heartbeatReceived)
    }

    static func change(_ seq: Int) -> ChangeFeed.Change {
        ChangeFeed.Change(seq: seq, device: "pi", from: .up, to: .down, at: Date(timeIntervalSince1970: 0))
    }

    @Test(arguments: [
        // last event id, this run's newest seq, kept seqs, where the subscriber starts
        (String?.none, 5, [3, 4, 5], ChangeFeed.Start.now),
        ("run1-5", 5, [3, 4, 5], .now),
        ("run1-3", 5, [3, 4, 5], .replay([change(4), change(5)])),
        ("run1-2", 5, [3, 4, 5], .replay([change(3), change(4), change(5)])),
        ("run1-1", 5, [3, 4, 5], .reset), // change 2 is no longer kept
        ("run1-9", 5, [3, 4, 5], .reset), // from the future: another run that happened to share the prefix
        ("run0-5", 5, [3, 4, 5], .reset), // another run of the collector
        ("run1-0", 0, [], .now),
        ("garbage", 5, [3, 4, 5], .reset),
    ])
    func whereASubscriberStarts(_ last: String?, _ seq: Int, _ kept: [Int], _ expected: ChangeFeed.Start) {
        #expect(ChangeFeed.start(after: last, run: "run1", seq: seq, recent: kept.map(Self.change)) == expected)
    }

    @Test func statusesShownWithoutAFlipAreToldOnceAndRecordedFlipsNotTwice() async {
        let feed = ChangeFeed(run: "r")
        let sub = feed.subscribe(after: nil)
        let at = Date(timeIntervalSince1970: 1_795_335_000)
        #expect(feed.observe(["pi-1": .up, "pi-2": .up], at: at) == 0) // first seen: only noted
        #expect(feed.observe(["pi-1": .late, "pi-2": .up], at: at) == 1) // late is never recorded
        feed.publish([Self.flip("pi-1", .up, .down)]) // the sweep records the down flip
        #expect(feed.observe(["pi-1": .down, "pi-2": .up], at: at) == 0) // told already, by the flip
        #expect(feed.observe(["pi-1": .down, "pi-2": .paused], at: at) == 1) // a maintenance window began
        sub.continuation.finish()
        var got: [String] = []
        for await item in sub.stream {
            guard case .change(let c) = item else { continue }
            got.append("\(c.device) \(c.from?.rawValue ?? "-")→\(c.to.rawValue) \(c.recorded)")
        }
        #expect(got == ["pi-1 up→late false", "pi-1 up→down true", "pi-2 up→paused false"])
        let paused = ChangeFeed.Change(seq: 4, device: "pi-2", from: .up, to: .paused, at: at, recorded: false)
        #expect(
            StreamController<CollectorRequestContext>.event(paused, id: "r-4").hasPrefix(
                "id: r-4\nevent: status\ndata: {\"device\":\"pi-2\",\"from\":\"up\",\"to\":\"paused\""))
    }

    @Test func aSlowSubscriberIsDroppedAndPublishingNeverWaits() async {
        let feed = ChangeFeed(run: "r", bufferSize: 8)
        let slow = feed.subscribe(after: nil)
        let reader = feed.subscribe(after: nil)
        #expect(feed.subscriberCount == 2)
        let started = ContinuousClock.now
        for i in 0..<1000 { feed.publish([Self.flip("pi-\(i)", .up, .down)]) }
        #expect(ContinuousClock.now - started < .seconds(1))
        // Both buffers overflowed (nobody read): both are dropped, and each stream holds what fit, then ends.
        #expect(feed.subscriberCount == 0)
        var got = 0
        for await _ in slow.stream { got += 1 }
        #expect(got == 8)
        _ = reader
        #expect(feed.position == "r-1000")
    }

    @Test func aFlipIsPushedToAnOpenStreamWithinOneSecondAndAReconnectResumes() async throws {
        var config = CollectorConfig()
        config.host = "127.0.0.1"
        config.port = 0
        config.streamKeepAlive = 0.3
        let h = try await Harness.make(config: config)
        let token = try await h.addDevice("pi-1")
        try await h.test { client in
            let (status, _) = try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1"), token: token)
            #expect(status == .ok)
        }
        let app = buildApplication(h.collector)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let s = try RawSocket(port: port)
            defer { s.close() }
            s.send("GET /api/v1/stream HTTP/1.1\r\nHost: x\r\n\r\n")
            let head = await s.read(until: "retry: 2000\n\n", seconds: 30)
            let sse = head.lowercased().contains("content-type: text/event-stream")
            #expect(head.hasPrefix("HTTP/1.1 200") && sse, "\(head)")
            // A quiet stream: only comment lines (in HTTP/1.1 chunks).
            let quiet = await s.read(until: ":\n\n", seconds: 30)
            #expect(quiet.contains("3\r\n:\n\n") && !quiet.contains("event:"), "\(quiet)")
            let started = ContinuousClock.now
            try await h.collector.ingest.ping(device: "pi-1", fail: true)
            // The sweep loop may show the status change (a `status` event) before the flip is stored and pushed:
            // read on to the flip itself.
            let event = await s.read(
                until: "event: flip\ndata: {\"device\":\"pi-1\",\"from\":\"up\",\"to\":\"down\"", seconds: 30)
            let took = ContinuousClock.now - started
            #expect(took < .seconds(1), "\(took)")
            let id = h.collector.sweeper.flips.changes.position
            let expected =
                "id: \(id)\nevent: flip\ndata: {\"device\":\"pi-1\",\"from\":\"up\",\"to\":\"down\",\"at\":\""
            #expect(event.contains(expected), "\(event)")

            // The browser reconnects with the last id it saw: what it missed meanwhile comes first.
            try await h.collector.ingest.ping(device: "pi-1", fail: false)
            let again = try RawSocket(port: port)
            defer { again.close() }
            again.send("GET /api/v1/stream HTTP/1.1\r\nHost: x\r\nLast-Event-ID: \(id)\r\n\r\n")
            let replay = await again.read(until: "\"to\":\"up\"", seconds: 30)
            #expect(replay.contains("\"from\":\"down\",\"to\":\"up\""), "\(replay)")
            // An id of another run (a collector restart): told to re-read.
            let other = try RawSocket(port: port)
            defer { other.close() }
            other.send("GET /api/v1/stream?after=zzzz-3 HTTP/1.1\r\nHost: x\r\n\r\n")
            let reset = await other.read(until: "data: {}\n\n", seconds: 30)
            #expect(reset.contains("event: reset\n"), "\(reset)")
            // A malformed position is the client's error.
            let bad = try RawSocket(port: port)
            defer { bad.close() }
            bad.send("GET /api/v1/stream?after=%3Cscript%3E HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(await bad.read(until: "}", seconds: 30).hasPrefix("HTTP/1.1 400"))
        }
    }

    @Test func theStreamNeedsThePagePassword() async throws {
        var config = CollectorConfig()
        config.pagePassword = "correct-horse"
        let h = try await Harness.make(config: config)
        try await h.test { client in
            let (status, _, headers) = try await client.get("/api/v1/stream")
            #expect(status == .unauthorized && headers[.wwwAuthenticate]?.hasPrefix("Basic") == true)
        }
    }
}
