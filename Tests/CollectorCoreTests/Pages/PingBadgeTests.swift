import CollectorCore
import DowntimeProtocol
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct PingBadgeTests {
    @Test(arguments: Backend.all) func pingIsAHeartbeatAndFailMarksDownNow(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let token = try await h.addDevice("router")
        // The CLI sets the interval through its own connection; the next sweep picks it up.
        #expect(try await h.otherConnection().setInterval(60, device: "router"))
        try await h.collector.sweeper.sweep()
        try await h.test { client in
            let (s1, b1, _) = try await client.get("/ping/\(token)")
            #expect(s1 == .ok && b1 == "OK\n")
            var view = try await client.getJSON("/api/v1/devices/router", as: DeviceView.self)
            #expect(view.status == .up && view.intervalS == 60)
            // 3 × 60 + 5 s: still late, not down, at 184 s.
            h.clock.advance(184)
            try await h.collector.sweeper.sweep()
            #expect(try await client.getJSON("/api/v1/devices/router", as: DeviceView.self).status == .late)
            let (s2, _) = try await client.post("/ping/\(token)", "", token: nil, contentType: "text/plain")
            #expect(s2 == .ok)
            h.clock.advance(10)
            let failedAt = h.clock.now()
            let (s3, _, _) = try await client.get("/ping/\(token)/fail")
            #expect(s3 == .ok)
            view = try await client.getJSON("/api/v1/devices/router", as: DeviceView.self)
            #expect(view.status == .down && view.currentOutage?.start == failedAt)
            _ = try await client.get("/ping/\(token)")
            #expect(try await client.getJSON("/api/v1/devices/router", as: DeviceView.self).status == .up)
        }
    }

    @Test(arguments: Backend.all) func unknownPingTokenIs404AndChangesNothing(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        _ = try await h.addDevice("router")
        try await h.test { client in
            for uri in ["/ping/dtm_nope", "/ping/dtm_nope/fail"] {
                let (status, body, _) = try await client.get(uri)
                #expect(status == .notFound && body.contains("unknown token"))
            }
            #expect(try await client.getJSON("/api/v1/devices/router", as: DeviceView.self).status == .new)
        }
    }

    @Test(arguments: Backend.all) func badgesTellStatusAndColour(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let a = try await h.addDevice("pi-a")
        _ = try await h.addDevice("pi-b")
        try await h.test { client in
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-a"), token: a)
            let (status, svg, headers) = try await client.get("/badge/pi-a.svg")
            #expect(status == .ok && headers[.contentType] == "image/svg+xml; charset=utf-8")
            #expect(headers[.cacheControl] == "max-age=10")
            #expect(
                svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\"") && svg.contains(">up</text>")
                    && svg.contains("#2e7d32"))
            let json = try await client.getJSON("/badge/pi-b.json", as: Badge.Content.self)
            #expect(json == Badge.Content(label: "pi-b", message: "new", color: "#2563eb", status: "new"))
            h.clock.advance(60)
            try await h.collector.sweeper.sweep()
            let all = try await client.getJSON("/badge/all.json", as: Badge.Content.self)
            #expect(all.message == "1 of 2 down" && all.status == "down")
            let (s404, _, _) = try await client.get("/badge/nobody.svg")
            #expect(s404 == .notFound)
            let (s400, _, _) = try await client.get("/badge/%3Cx%3E.svg")
            #expect(s400 == .badRequest)
        }
    }

    @Test func allBadgeWords() {
        func v(_ s: DeviceStatus) -> DeviceView {
            DeviceView(
                name: "d", status: s, lastSeen: nil, intervalS: 10, agentVersion: nil, bootID: nil, clockSkewS: nil,
                clockSynced: nil, uptimeS: nil, currentOutage: nil, lastOutage: nil,
                uptime: UptimeView(day: nil, week: nil, month: nil), tags: [])
        }
        #expect(Badge.content(all: [v(.up), v(.up)]).message == "all 2 up")
        #expect(Badge.content(all: [v(.up), v(.late)]).message == "1 of 2 late")
        #expect(Badge.content(all: [v(.up), v(.paused)]).message == "1 of 2 up")
        #expect(Badge.content(all: []).message == "no devices")
    }

    @Test(arguments: Backend.all) func pingsShareTheDevicesIngestAllowance(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let token = try await h.addDevice("router")
        try await h.test { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<62 { statuses.append(try await client.get("/ping/\(token)").0) }
            #expect(statuses.prefix(60).allSatisfy { $0 == .ok })
            #expect(statuses.suffix(2).allSatisfy { $0 == .tooManyRequests })
        }
    }
}
