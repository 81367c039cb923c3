import Foundation
import Testing
@testable import AgentCore
import DowntimeProtocol

@Suite struct AgentHealthTests {
    @Test func eachBeatCarriesWhatTheSysfsFilesSayNow() throws {
        let h = Harness()
        h.sysfs.throttled("0")
        h.sysfs.temperature("45100")
        let agent = try h.agent()
        try agent.start()
        agent.tick()
        h.sysfs.throttled("50005")
        h.sysfs.temperature("71960")
        h.facts.advance(10)
        agent.tick()
        h.sysfs.throttled("50000")  // the brown-out is over; "since boot" stays
        h.facts.advance(10)
        agent.tick()
        let health = h.transport.heartbeats.map(\.health)
        #expect(health == [
            DeviceHealth(underVoltageNow: false, underVoltageSinceBoot: false, throttledNow: false, throttledSinceBoot: false,
                         freqCappedSinceBoot: false, tempC: 45.1),
            DeviceHealth(underVoltageNow: true, underVoltageSinceBoot: true, throttledNow: true, throttledSinceBoot: true,
                         freqCappedSinceBoot: false, tempC: 72),
            DeviceHealth(underVoltageNow: false, underVoltageSinceBoot: true, throttledNow: false, throttledSinceBoot: true,
                         freqCappedSinceBoot: false, tempC: 72),
        ])
    }

    @Test func noSensorsMeansNoHealthFieldAtAll() throws {
        let h = Harness()
        let agent = try h.agent()
        try agent.start()
        agent.tick()
        let body = try #require(h.transport.requests.first { $0.path == "/api/v1/heartbeat" }?.body)
        #expect(!String(decoding: body, as: UTF8.self).contains("health"))
        #expect(h.transport.heartbeats.first?.health == nil)
    }

    @Test func anOlderCollectorRefusingTheHealthFieldGetsBeatsWithoutIt() throws {
        let h = Harness()
        h.sysfs.temperature("50000")
        h.transport.respond = { r throws(TransportError) in
            if r.path == "/api/v1/heartbeat", String(decoding: r.body, as: UTF8.self).contains("\"health\"") {
                return HTTPResponse(status: 400, body: Array(#"{"error":"unknown field","field":"health"}"#.utf8))
            }
            return try FakeTransport.acceptAll(r)
        }
        let agent = try h.agent()
        try agent.start()
        for _ in 0..<3 {
            h.facts.advance(10)
            agent.tick()
        }
        let statuses = h.transport.requests.filter { $0.path == "/api/v1/heartbeat" }.map(\.status)
        #expect(statuses == [400, 200, 200, 200])
        #expect(h.lines.lines.filter { $0.contains("refuses the heartbeat's health field") }.count == 1)
    }
}
