import CollectorCore
import DowntimeProtocol
import Foundation
import Testing

@testable import CollectorRules

@Suite struct MetricsExportTests {
    @Test func perDeviceSeries() {
        let now = RenderingTests.now
        let outages = [
            OutageView(start: now - 7200, end: now - 3600, durationS: 3600, cause: .powerLoss, source: "agent"),
            OutageView(start: now - 900, end: nil, durationS: 900, cause: .unknown, source: "collector"),
        ]
        let text = MetricsExport.devices(
            [
                RenderingTests.detail("pi-a", .down, outages: outages),
                RenderingTests.detail("pi-b", .up), RenderingTests.detail("pi-c", .new),
            ], now: now)
        #expect(text.contains("downtime_device_up{device=\"pi-a\"} 0\n"))
        #expect(text.contains("downtime_device_up{device=\"pi-b\"} 1\n"))
        #expect(!text.contains("downtime_device_up{device=\"pi-c\"}"))
        #expect(text.contains("downtime_device_state{device=\"pi-a\",state=\"down\"} 1\n"))
        #expect(text.contains("downtime_device_state{device=\"pi-a\",state=\"up\"} 0\n"))
        #expect(text.contains("downtime_device_seconds_since_last_beat{device=\"pi-b\"} 30.000\n"))
        #expect(text.contains("downtime_device_outages{device=\"pi-a\",cause=\"power_loss\"} 1\n"))
        #expect(text.contains("downtime_device_outages{device=\"pi-a\",cause=\"unknown\"} 1\n"))
        #expect(
            text.contains("downtime_devices{state=\"up\"} 1\n") && text.contains("downtime_devices{state=\"new\"} 1\n"))
        // Every series has HELP and TYPE lines before it.
        for family in ["downtime_device_up", "downtime_device_state", "downtime_devices"] {
            #expect(text.contains("# TYPE \(family) gauge\n"))
        }
    }

    @Test func registryFamiliesGetHelpLines() {
        let text = "# TYPE hb_requests counter\nhb_requests{a=\"1\"} 2\n# TYPE odd_thing gauge\nodd_thing 1\n"
        #expect(
            MetricsExport.withHelp(text) == """
                # HELP hb_requests_total HTTP requests answered, by route, method and status.
                # TYPE hb_requests_total counter
                hb_requests_total{a="1"} 2
                # HELP odd_thing odd thing.
                # TYPE odd_thing gauge
                odd_thing 1

                """)
    }

    let t0 = UPSTransitionTests.t0

    @Test func upsSeriesFromTheirStates() {
        var on = UPSState(name: "a@h:3493")
        on.observe(.reading(UPSReading(status: UPSStatus(parsing: "OB DISCHRG"), charge: 73, runtime: 1260)), at: t0)
        var lost = UPSState(name: "b@h:3493")
        lost.observe(.reading(UPSReading(status: UPSStatus(parsing: "OL"), charge: 100)), at: t0)
        lost.observe(.unreadable("refused"), at: t0 + 1)
        let text = MetricsExport.ups([on, lost], counts: [.mainsOut: 2, .commsLost: 1])
        #expect(text.contains("downtime_ups_on_battery{ups=\"a@h:3493\"} 1\n"))
        #expect(text.contains("downtime_ups_on_battery{ups=\"b@h:3493\"} 0\n"))
        #expect(text.contains("downtime_ups_battery_charge_percent{ups=\"a@h:3493\"} 73.0\n"))
        #expect(text.contains("downtime_ups_battery_runtime_seconds{ups=\"a@h:3493\"} 1260.0\n"))
        #expect(!text.contains("downtime_ups_battery_charge_percent{ups=\"b@h:3493\"}"))
        #expect(text.contains("downtime_ups_readable{ups=\"a@h:3493\"} 1\n"))
        #expect(text.contains("downtime_ups_readable{ups=\"b@h:3493\"} 0\n"))
        #expect(text.contains("downtime_ups_events_total{kind=\"mains_out\"} 2\n"))
        #expect(text.contains("downtime_ups_events_total{kind=\"low_battery\"} 0\n"))
        #expect(text.contains("# TYPE downtime_ups_events_total counter\n"))
        #expect(MetricsExport.ups([], counts: [:]).isEmpty)
    }
}

@Suite struct PowerMetricsTests {
    @Test func temperatureAndUnderVoltageGaugesWhereTheDeviceSaysThem() {
        let now = RenderingTests.now
        var hot = RenderingTests.detail("pi-hot", .up)
        hot.view.health = DeviceHealth(underVoltageNow: true, underVoltageSinceBoot: true, tempC: 71.5)
        var fine = RenderingTests.detail("pi-fine", .up)
        fine.view.health = DeviceHealth(underVoltageNow: false, tempC: 40)
        var thermo = RenderingTests.detail("nas", .up)
        thermo.view.health = DeviceHealth(tempC: 35.2)
        let text = MetricsExport.devices([hot, fine, thermo, RenderingTests.detail("router", .up)], now: now)
        #expect(text.contains("# TYPE downtime_device_temperature_celsius gauge\n"))
        #expect(text.contains("# TYPE downtime_device_under_voltage gauge\n"))
        #expect(text.contains("downtime_device_temperature_celsius{device=\"pi-hot\"} 71.5\n"))
        #expect(text.contains("downtime_device_temperature_celsius{device=\"pi-fine\"} 40.0\n"))
        #expect(text.contains("downtime_device_temperature_celsius{device=\"nas\"} 35.2\n"))
        #expect(text.contains("downtime_device_under_voltage{device=\"pi-hot\"} 1\n"))
        #expect(text.contains("downtime_device_under_voltage{device=\"pi-fine\"} 0\n"))
        // Unknown is absent, never 0.
        #expect(!text.contains("downtime_device_under_voltage{device=\"nas\"}"))
        #expect(!text.contains("temperature_celsius{device=\"router\"}"))
    }
}

@Suite struct CheckMetricsTests {
    @Test func oneGaugePerCheckAbsentWhileUnknown() {
        let now = RenderingTests.now
        var pi = RenderingTests.detail("pi", .up)
        pi.view.checks = [
            CheckResult(name: "ha", state: .ok, detail: "HTTP 200", since: now),
            CheckResult(name: "ftl", state: .failing, detail: "exit 3", since: now),
            CheckResult(name: "box", state: .unknown, detail: "no socket", since: now),
        ]
        let text = MetricsExport.devices([pi, RenderingTests.detail("nas", .up)], now: now)
        #expect(text.contains("# TYPE downtime_check_up gauge\n"))
        #expect(text.contains("downtime_check_up{device=\"pi\",check=\"ha\"} 1\n"))
        #expect(text.contains("downtime_check_up{device=\"pi\",check=\"ftl\"} 0\n"))
        #expect(!text.contains("check=\"box\""))
        #expect(!text.contains("downtime_check_up{device=\"nas\""))
    }
}
