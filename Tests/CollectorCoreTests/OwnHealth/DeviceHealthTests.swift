import CollectorCore
import DowntimeProtocol
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// A device's power flags and temperature (issue #18): the beat's `health` field reaches the API and both pages;
/// a bad one is a 400 naming the member.
@Suite(.serialized) struct DeviceHealthTests {
    static func beat(seq: Int, health: String?) -> String {
        let json = heartbeatJSON("pi-kitchen", seq: seq)
        guard let health else { return json }
        return json.replacingOccurrences(of: "\"seq\":\(seq),", with: "\"seq\":\(seq),\"health\":\(health),")
    }

    static let brownOut = """
        {"under_voltage_now":false,"under_voltage_since_boot":true,"throttled_now":false,\
        "throttled_since_boot":true,"freq_capped_since_boot":false,"temp_c":52.3}
        """

    @Test(arguments: Backend.all) func theHealthShowsOnTheAPIAndPages(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let token = try await h.addDevice("pi-kitchen")
        try await h.test { client in
            #expect(
                try await client.post("/api/v1/heartbeat", Self.beat(seq: 1, health: Self.brownOut), token: token).0
                    == .ok)
            let view = try await client.getJSON("/api/v1/devices/pi-kitchen", as: DeviceView.self)
            #expect(
                view.health
                    == DeviceHealth(
                        underVoltageNow: false, underVoltageSinceBoot: true, throttledNow: false,
                        throttledSinceBoot: true, freqCappedSinceBoot: false, tempC: 52.3))
            let overview = try await client.get("/").1
            #expect(overview.contains("power: under-voltage since boot, throttled since boot"))
            let page = try await client.get("/devices/pi-kitchen").1
            #expect(page.contains("Power: under-voltage since boot, throttled since boot"))
            #expect(page.contains("under-voltage since boot, throttled since boot · 52.3 °C"))

            // A healthy device with a thermometer: no mark, the temperature on its page.
            let fine = #"{"under_voltage_now":false,"under_voltage_since_boot":false,"temp_c":41}"#
            #expect(try await client.post("/api/v1/heartbeat", Self.beat(seq: 2, health: fine), token: token).0 == .ok)
            #expect(!(try await client.get("/").1.contains("power:")))
            #expect(
                try await client.get("/devices/pi-kitchen").1.contains(
                    "no under-voltage or throttling since boot · 41.0 °C"))

            // An older agent (no field): null in the API, nothing on the pages.
            #expect(try await client.post("/api/v1/heartbeat", Self.beat(seq: 3, health: nil), token: token).0 == .ok)
            #expect(try await client.get("/api/v1/devices/pi-kitchen").1.contains("\"health\":null"))
            #expect(!(try await client.get("/devices/pi-kitchen").1.contains("Power and temperature")))
        }
    }

    @Test(arguments: Backend.all) func anOutagesPowerEvidenceIsStoredAndShownWithIt(_ backend: Backend) async throws {
        let h = try await Harness.make(backend)
        let token = try await h.addDevice("pi-kitchen")
        let outage = """
            {"events":[{"id":"6f9619ff-8b86-d011-b42d-00c04fc964f2","device":"pi-kitchen","kind":"outage",\
            "at":"2026-11-22T14:10:00Z","boot_id":"\(bootA)","cause":"power_loss","start":"2026-11-22T14:02:00Z",\
            "end":"2026-11-22T14:05:00Z","duration_s":180,"precision_s":60,"clock_synced":true,\
            "under_voltage_seen":"2026-11-22T14:01:20Z"}]}
            """
        try await h.test { client in
            #expect(try await client.post("/api/v1/heartbeat", Self.beat(seq: 1, health: nil), token: token).0 == .ok)
            #expect(try await client.post("/api/v1/events", outage, token: token).0 == .ok)
            let words = "under-voltage last seen 40 s before the last-alive time"
            let log = try await client.get("/devices/pi-kitchen/log.txt").1
            let line = log.split(separator: "\n").first { $0.contains(" outage cause=power_loss") }
            #expect(line?.hasSuffix("; \(words)") == true, "\(log)")
            #expect(try await client.get("/devices/pi-kitchen").1.contains(words))
            let events = try await client.getJSON("/api/v1/devices/pi-kitchen/events", as: EventList.self).events
            let stored = events.compactMap { if case .outage(let o) = $0.payload { o } else { nil } }
            #expect(stored.first?.underVoltageSeen == WireTime.parse("2026-11-22T14:01:20Z"))
        }
    }

    @Test(arguments: [
        (#"{"under_voltage_now":1}"#, "health.under_voltage_now"),
        (#"{"throttled_now":"yes"}"#, "health.throttled_now"),
        (#"{"temp_c":900}"#, "health.temp_c"),
        (#"{"temp_c":"48"}"#, "health.temp_c"),
        (#"{"temp_c":40,"voltage":5.1}"#, "health.voltage"),
        (#"{}"#, "health"),
        (#"null"#, "health"),
        (#"true"#, "health"),
    ])
    func aBadHealthFieldIsA400NamingIt(health: String, field: String) async throws {
        let h = try await Harness.make(.sqlite)
        let token = try await h.addDevice("pi-kitchen")
        try await h.test { client in
            let (status, body) = try await client.post(
                "/api/v1/heartbeat", Self.beat(seq: 1, health: health), token: token)
            #expect(status == .badRequest)
            #expect(try WireCoding.decode(ErrorBody.self, from: Array(body.utf8)).field == field)
        }
    }
}

/// The collector's `power_warning` log event and the under-voltage notification (issue #18).
@Suite(.serialized) struct PowerWarningTests {
    static let on = #"{"under_voltage_now":true,"under_voltage_since_boot":true,"throttled_now":false,"temp_c":50}"#
    static let off = #"{"under_voltage_now":false,"under_voltage_since_boot":true,"throttled_now":false,"temp_c":50}"#

    @Test(arguments: Backend.all) func aWarningIsLoggedWhenItAppearsAndClearsAndToldOnce(_ backend: Backend)
        async throws
    {
        try await withReceiver { port, inbox in
            var config = CollectorConfig()
            config.notifiers = [try NotifierSpec.parse("hook=webhook http://127.0.0.1:\(port)/hook")]
            let h = try await Harness.make(backend, config: config)
            let token = try await h.addDevice("pi-kitchen")
            try await h.test { client in
                let beats = [Self.off, Self.on, Self.on, Self.off, Self.on, Self.off]
                for (i, health) in beats.enumerated() {
                    let body = DeviceHealthTests.beat(seq: i + 1, health: health)
                    #expect(try await client.post("/api/v1/heartbeat", body, token: token).0 == .ok)
                    h.clock.advance(10)
                    await h.collector.notifications.tick()
                }
                let events = try await client.getJSON("/api/v1/devices/pi-kitchen/events", as: EventList.self).events
                let changes = events.compactMap { e -> String? in
                    if case .powerWarning(let state, let words) = e.payload {
                        "\(state.rawValue) \(words)"
                    } else {
                        nil
                    }
                }
                #expect(
                    changes == [
                        "appeared under-voltage", "cleared under-voltage", "appeared under-voltage",
                        "cleared under-voltage",
                    ])
                let log = try await client.get("/devices/pi-kitchen/log.txt").1
                #expect(log.contains("power_warning power warning: under-voltage now"), "\(log)")
                #expect(log.contains("power_warning power warning cleared: no more under-voltage"))
                // An agent may not post the collector's own kind.
                let forged = """
                    {"events":[{"id":"6f9619ff-8b86-d011-b42d-00c04fc964f9","device":"pi-kitchen","kind":"power_warning",\
                    "at":"2026-11-22T14:10:00Z","boot_id":"\(bootA)","state":"appeared","reason":"x"}]}
                    """
                #expect(try await client.post("/api/v1/events", forged, token: token).0 == .badRequest)
            }
            try await NotificationDeliveryTests.settle(h.collector.notifications.notifier!)
            // Twice within the damping time: told once (the summary comes when the quiet time ends).
            let told = await inbox.requests.filter { $0.body.contains("\"event\":\"under_voltage\"") }
            #expect(told.count == 1, "\(told.map(\.body))")
            #expect(told.first?.body.contains("pi-kitchen: under-voltage") == true)
        }
    }
}
