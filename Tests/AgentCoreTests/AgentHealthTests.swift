import CurlClient
import DowntimeProtocol
import Foundation
import Testing

@testable import AgentCore

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
        h.sysfs.throttled("50000") // the brown-out is over; "since boot" stays
        h.facts.advance(10)
        agent.tick()
        let health = h.transport.heartbeats.map(\.health)
        #expect(
            health == [
                DeviceHealth(
                    underVoltageNow: false, underVoltageSinceBoot: false, throttledNow: false,
                    throttledSinceBoot: false,
                    freqCappedSinceBoot: false, tempC: 45.1),
                DeviceHealth(
                    underVoltageNow: true, underVoltageSinceBoot: true, throttledNow: true, throttledSinceBoot: true,
                    freqCappedSinceBoot: false, tempC: 72),
                DeviceHealth(
                    underVoltageNow: false, underVoltageSinceBoot: true, throttledNow: false, throttledSinceBoot: true,
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
        h.transport.respond = { r throws(CurlError) in
            if r.path == "/api/v1/heartbeat", String(decoding: r.body, as: UTF8.self).contains("\"health\"") {
                return CurlResponse(status: 400, body: Array(#"{"error":"unknown field","field":"health"}"#.utf8))
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

@Suite struct AgentPowerEvidenceTests {
    @Test func aPowerCutCarriesTheLastWarningsSeenBeforeIt() throws {
        let h = Harness()
        h.sysfs.throttled("0")
        let agent = try h.agent()
        try agent.start()
        agent.tick()
        h.facts.advance(10)
        h.sysfs.throttled("50005")
        agent.tick() // a new warning: written at once, not at the next persist tick
        let seen = h.facts.wall
        guard case .loaded(let written) = h.state() else {
            Issue.record("no state")
            return
        }
        #expect(written.underVoltageSeen == seen && written.throttledSeen == seen && written.lastAlive == seen)
        h.sysfs.throttled("50000") // over; the firmware's sticky bits stay
        for _ in 0..<6 {
            h.facts.advance(10)
            agent.tick() // the persist tick at +60 s writes last-alive, the warnings' times stay
        }
        guard case .loaded(let later) = h.state() else {
            Issue.record("no state")
            return
        }
        #expect(later.underVoltageSeen == seen && later.lastAlive == seen + 60)

        // The power goes; a new boot.
        h.facts.boot = "9f5d7a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
        h.facts.wall += 300
        h.facts.boottime = 20
        let next = try h.agent()
        let decision = try next.start()
        let outage = try #require(decision.outage)
        #expect(outage.cause == .powerLoss)
        #expect(outage.underVoltageSeen == seen && outage.throttledSeen == seen)
        #expect(
            outage.powerEvidence == "under-voltage last seen 60 s before the last-alive time, "
                + "throttling last seen 60 s before the last-alive time")
        // This boot starts clean: the old boot's warnings are not this boot's.
        guard case .loaded(let fresh) = h.state() else {
            Issue.record("no state")
            return
        }
        #expect(fresh.underVoltageSeen == nil && fresh.throttledSeen == nil)
        next.tick()
        let sent = h.transport.sentEvents.compactMap { if case .outage(let o) = $0.payload { o } else { nil } }
        #expect(sent.map(\.underVoltageSeen) == [seen])
    }

    @Test func aRestartWithinTheBootKeepsWhatTheBootSaw() throws {
        let h = Harness()
        h.sysfs.voltAlarm("1")
        let agent = try h.agent()
        try agent.start()
        agent.tick()
        let seen = h.facts.wall
        agent.shutdown()
        h.sysfs.voltAlarm("0")
        h.facts.advance(5)
        let again = try h.agent()
        try again.start()
        #expect(again.power.underVoltageSeen == seen)
        guard case .loaded(let state) = h.state() else {
            Issue.record("no state")
            return
        }
        #expect(state.underVoltageSeen == seen)
    }

    @Test func anOlderCollectorRefusingTheEvidenceGetsTheOutageWithoutIt() throws {
        let h = Harness()
        var old = AgentState(
            bootID: "1b5d7a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b", lastAlive: h.facts.wall - 600,
            lastAliveUptime: 5000, clockSynced: true)
        old.underVoltageSeen = h.facts.wall - 640
        try StateFile(path: h.dir.file("state.json")).save(old)
        h.transport.respond = { r throws(CurlError) in
            if r.path == "/api/v1/events", String(decoding: r.body, as: UTF8.self).contains("under_voltage_seen") {
                let body = #"{"error":"unknown field","field":"events[0].under_voltage_seen"}"#
                return CurlResponse(status: 400, body: Array(body.utf8))
            }
            return try FakeTransport.acceptAll(r)
        }
        let agent = try h.agent()
        let decision = try agent.start()
        #expect(decision.outage?.powerEvidence == "under-voltage last seen 40 s before the last-alive time")
        agent.tick()
        let outages = h.transport.sentEvents.compactMap { if case .outage(let o) = $0.payload { o } else { nil } }
        #expect(outages.count == 1 && outages.first?.underVoltageSeen == nil && outages.first?.cause == .powerLoss)
        #expect(agent.outbox.isEmpty && agent.shipper.refusedEvents == 0)
        #expect(h.lines.lines.contains { $0.contains("refused the outage's power evidence") })
    }
}
