import DowntimeProtocol
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CollectorCore
@testable import CollectorRules

/// Issue #26 through the store and the API: a clean agent stop in the same boot is an agent gap.
@Suite struct AgentGapStoreTests {
    /// Issue #26: `systemctl stop`, a pause, `systemctl start` in the same boot is an agent gap on the device's
    /// API and pages, not downtime; while it lasts, the page says what the clean stop may mean.
    @Test(arguments: Backend.all) func aCleanAgentStopInTheSameBootIsAnAgentGap(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let token = try await h.addDevice("pi-1")
        @Sendable func event(_ kind: String, at: Date, more: String = "") -> String {
            """
            {"events":[{"id":"\(UUID().uuidString)","device":"pi-1","kind":"\(kind)","at":"\(WireTime.format(at))",\
            "boot_id":"\(bootA)"\(more)}]}
            """
        }
        try await h.test { client in
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1"), token: token)
            let lastBeat = h.clock.now()
            h.clock.advance(4)
            #expect(
                try await client.post("/api/v1/events", event("shutdown", at: h.clock.now()), token: token).0 == .ok)
            h.clock.advance(296)
            try await h.collector.sweeper.sweep()
            let down = try await client.getJSON("/api/v1/devices/pi-1", as: DeviceView.self)
            // Still silent: counted as down, but the page says what the clean stop may mean.
            #expect(down.status == .down && down.currentOutage?.cause == .unknown)
            #expect(try await client.get("/devices/pi-1").1.contains("Its agent stopped cleanly at"))
            // Told as the agent's stop, not as the device down.
            let writer = MessageWriter(reader: h.collector.reads.reader, damp: 600)
            let told = await writer.compose(.init(kind: .down, devices: ["pi-1"], at: lastBeat, reason: "", flips: 0))
            #expect(told.title == "pi-1: agent stopped" && told.text.contains("the agent or the whole device"))
            h.clock.advance(10)
            let more = #","agent_version":"0.1.0""#
            #expect(
                try await client.post(
                    "/api/v1/events", event("agent_started", at: h.clock.now(), more: more), token: token
                )
                .0 == .ok)
            try await client.post("/api/v1/heartbeat", heartbeatJSON("pi-1", seq: 2), token: token)
            h.clock.advance(90)
            let back = try await client.getJSON("/api/v1/devices/pi-1", as: DeviceView.self)
            let o = try #require(back.lastOutage)
            #expect(back.status == .up && o.cause == .agentGap && o.start == lastBeat && o.durationS == 310)
            // Left out of the shares: the only known time (the 90 s since) was up.
            #expect(back.uptime.day == 1)
            let (_, page, _) = try await client.get("/devices/pi-1")
            #expect(page.contains("agent stopped (device not down)") && !page.contains("Its agent stopped cleanly"))
            let up = await writer.compose(.init(kind: .up, devices: ["pi-1"], at: h.clock.now(), reason: "", flips: 0))
            #expect(up.title == "pi-1: agent back, device not down" && up.text.contains("not counted as downtime"))
        }
    }

}
