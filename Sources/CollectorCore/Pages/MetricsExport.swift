import CollectorRules
import DowntimeProtocol
import Foundation
import Hummingbird
import Metrics
import Prometheus

/// The Prometheus side: per-device series rendered at scrape time, plus everything the process
/// recorded through swift-metrics (requests, latencies, store timings) in one registry.
public enum MetricsExport {
    /// The registry `/metrics` emits; `serve` points swift-metrics at it.
    public static let registry = PrometheusMetricsFactory.defaultRegistry

    /// A swift-metrics backend writing to `registry`, with names made valid for Prometheus.
    public static func factory() -> PrometheusMetricsFactory {
        var metricsFactory = PrometheusMetricsFactory(registry: registry)
        metricsFactory.nameAndLabelSanitizer = { name, labels in
            (sanitize(name), labels.map { (sanitize($0.0), $0.1) })
        }
        return metricsFactory
    }

    static func sanitize(_ s: String) -> String {
        String(s.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") ? $0 : "_" })
    }

    static func label(_ v: String) -> String {
        v.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    static let helps = [
        "hb_requests": "HTTP requests answered, by route, method and status.",
        "hb_request_errors": "HTTP requests that ended in an error, by route and method.",
        "http_server_request_duration": "Time to answer an HTTP request, in seconds.",
        "http_server_active_requests": "HTTP requests being answered now.",
        "downtime_store_seconds": "Time of store writes by operation, in seconds.",
        "downtime_notification_attempts": "Notification delivery attempts by channel and outcome.",
    ]

    /// The registry's text made lint-clean for Prometheus: a HELP line before each family (swift-metrics
    /// has no help texts) and counters named `..._total`.
    public static func withHelp(_ text: String) -> String {
        var out = ""
        var rename: (from: String, to: String)?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# TYPE ") {
                let parts = line.dropFirst(7).split(separator: " ")
                let name = String(parts.first ?? "")
                let isCounter = parts.last == "counter" && !name.hasSuffix("_total")
                rename = isCounter ? (name, name + "_total") : nil
                let shown = rename?.to ?? name
                out += "# HELP \(shown) \(helps[name] ?? name.replacingOccurrences(of: "_", with: " ") + ".")\n"
                out += "# TYPE \(shown) \(parts.last ?? "")\n"
                continue
            }
            if let rename, line.hasPrefix(rename.from + "{") || line.hasPrefix(rename.from + " ") {
                out += rename.to + line.dropFirst(rename.from.count) + "\n"
            } else {
                out += line + "\n"
            }
        }
        return String(out.dropLast())
    }

    /// The per-device series in Prometheus text format (pure).
    public static func devices(_ details: [DeviceDetail], now: Date) -> String {
        var up = header(
            "downtime_device_up", .gauge,
            "1 when the device is up or late, 0 when down (absent while new, paused or unreachable).")
        var state = header("downtime_device_state", .gauge, "1 for the device's current status, 0 for the others.")
        var since = header(
            "downtime_device_seconds_since_last_beat", .gauge, "Seconds since the device's last heartbeat.")
        var outages = header("downtime_device_outages", .gauge, "Outages of the last 30 days by cause.")
        var temp = header(
            "downtime_device_temperature_celsius", .gauge, "The device's CPU temperature from its newest heartbeat.")
        var volts = header(
            "downtime_device_under_voltage", .gauge,
            "1 while the device's firmware reports under-voltage now, 0 when not (absent where the device cannot tell)."
        )
        var checks = header(
            "downtime_check_up", .gauge,
            "1 while the device's service check is ok, 0 while failing (absent while unknown, as when the device is "
                + "not up).")
        var counts: [DeviceStatus: Int] = [:]
        for detail in details {
            let view = detail.view
            let name = label(view.name)
            counts[view.status, default: 0] += 1
            if view.status == .up || view.status == .late || view.status == .down {
                up += "downtime_device_up{device=\"\(name)\"} \(view.status == .down ? 0 : 1)\n"
            }
            for s in DeviceStatus.allCases {
                state +=
                    "downtime_device_state{device=\"\(name)\",state=\"\(s.rawValue)\"} "
                    + "\(s == view.status ? 1 : 0)\n"
            }
            if let seen = view.lastSeen {
                since +=
                    "downtime_device_seconds_since_last_beat{device=\"\(name)\"} \(String(format: "%.3f", now.timeIntervalSince(seen)))\n"
            }
            if let t = view.health?.tempC { temp += "downtime_device_temperature_celsius{device=\"\(name)\"} \(t)\n" }
            if let uv = view.health?.underVoltageNow {
                volts += "downtime_device_under_voltage{device=\"\(name)\"} \(uv ? 1 : 0)\n"
            }
            for check in view.checks where check.state != .unknown {
                checks +=
                    "downtime_check_up{device=\"\(name)\",check=\"\(label(check.name))\"} \(check.state == .ok ? 1 : 0)\n"
            }
            let recent = detail.outages.filter { now.timeIntervalSince($0.start) <= 30 * 86_400 }
            for cause in OutageCause.allCases {
                let n = recent.filter { $0.cause == cause }.count
                if n > 0 { outages += "downtime_device_outages{device=\"\(name)\",cause=\"\(cause.rawValue)\"} \(n)\n" }
            }
        }
        var total = header("downtime_devices", .gauge, "Devices by status.")
        for s in DeviceStatus.allCases { total += "downtime_devices{state=\"\(s.rawValue)\"} \(counts[s] ?? 0)\n" }
        return up + state + since + outages + temp + volts + checks + total
    }
}

extension MetricsExport {
    /// What a series counts: a value now or a running total.
    enum SeriesType: String {
        case gauge, counter
    }

    /// A series' `# HELP` and `# TYPE` lines.
    static func header(_ name: String, _ type: SeriesType, _ help: String) -> String {
        "# HELP \(name) \(help)\n# TYPE \(name) \(type.rawValue)\n"
    }

    /// Incidents recorded by kind (docs/DESIGN.md "Sites and incidents"), every kind written (0 when none).
    /// With `open`, also how many of each kind are ongoing (a member still down).
    public static func incidents(_ counts: [Incident.Kind: Int], open: [Incident.Kind: Int] = [:]) -> String {
        var out = header("downtime_incidents_total", .counter, "Incidents recorded across a site, by kind.")
        for kind in Incident.Kind.allCases {
            out += "downtime_incidents_total{kind=\"\(kind.rawValue)\"} \(counts[kind] ?? 0)\n"
        }
        out += header("downtime_incidents_open", .gauge, "Incidents still going on (a member still down), by kind.")
        for kind in Incident.Kind.allCases {
            out += "downtime_incidents_open{kind=\"\(kind.rawValue)\"} \(open[kind] ?? 0)\n"
        }
        return out
    }

    /// The collector's own series: its clock steps and sync, whether its store is failing and, with
    /// `selfPing` (one is configured), its self-pings (pure).
    public static func collector(_ s: CollectorHealth.Snapshot, selfPing: Bool = false) -> String {
        var out = header(
            "downtime_collector_clock_jumps_total", .counter, "Steps of the collector's wall clock over 2 s.")
        out += "downtime_collector_clock_jumps_total \(s.clockJumps)\n"
        out += header(
            "downtime_collector_clock_last_jump_seconds", .gauge, "The newest step of the collector's clock (0: none).")
        out += "downtime_collector_clock_last_jump_seconds \(String(format: "%.3f", s.lastJump?.seconds ?? 0))\n"
        out += header("downtime_collector_clock_synced", .gauge, "1 when the collector's clock is synchronised.")
        out += "downtime_collector_clock_synced \(s.clockSynced ? 1 : 0)\n"
        out += header("downtime_store_up", .gauge, "1 while the collector's store works, 0 while it fails.")
        out += "downtime_store_up \(s.storeFault == nil ? 1 : 0)\n"
        out += header(
            "downtime_collector_store_failing", .gauge, "1 for the fault the store fails with now, 0 for the others.")
        for fault in StoreFault.allCases {
            out += "downtime_collector_store_failing{fault=\"\(fault.rawValue)\"} \(s.storeFault == fault ? 1 : 0)\n"
        }
        if let free = s.freeBytes {
            out += header("downtime_collector_data_free_bytes", .gauge, "Free space in the collector's data folder.")
            out += "downtime_collector_data_free_bytes \(free)\n"
        }
        if selfPing {
            out += header(
                "downtime_self_ping_total", .counter, "The collector's requests to its self-ping URL, by outcome.")
            out += "downtime_self_ping_total{result=\"ok\"} \(s.selfPing.ok)\n"
            out += "downtime_self_ping_total{result=\"failed\"} \(s.selfPing.failed)\n"
            out += header(
                "downtime_self_ping_last_success_timestamp_seconds", .gauge,
                "When a self-ping last worked (Unix time; 0: never).")
            let last = s.selfPing.lastSuccess.map { String(format: "%.3f", $0.timeIntervalSince1970) } ?? "0"
            out += "downtime_self_ping_last_success_timestamp_seconds \(last)\n"
        }
        if let mqtt = s.mqtt {
            out += header(
                "downtime_mqtt_connected", .gauge,
                "1 while this collector has a session with its MQTT broker (0: not connected, or another leads).")
            out += "downtime_mqtt_connected \(mqtt.state == .connected ? 1 : 0)\n"
            out += header(
                "downtime_mqtt_messages_dropped_total", .counter,
                "MQTT messages dropped because the queue to the broker was full.")
            out += "downtime_mqtt_messages_dropped_total \(mqtt.dropped)\n"
        }
        return out
    }
}

extension MetricsExport {
    /// The UPS series: each configured UPS's state as this collector last polled it, and the events it stored
    /// by kind (pure). Nothing without a UPS configured.
    public static func ups(_ states: [UPSState], counts: [UPSEvent.Kind: Int]) -> String {
        guard !states.isEmpty else { return "" }
        var battery = header(
            "downtime_ups_on_battery", .gauge, "1 while the UPS runs on battery (mains out), 0 when not.")
        var charge = header(
            "downtime_ups_battery_charge_percent", .gauge, "The UPS's battery charge from its newest reading.")
        var runtime = header(
            "downtime_ups_battery_runtime_seconds", .gauge, "Seconds of battery left from the newest reading.")
        var readable = header("downtime_ups_readable", .gauge, "1 when the newest poll read the UPS, 0 when not.")
        for s in states {
            let name = label(s.name)
            battery += "downtime_ups_on_battery{ups=\"\(name)\"} \(s.onBattery ? 1 : 0)\n"
            readable += "downtime_ups_readable{ups=\"\(name)\"} \(s.readable == true ? 1 : 0)\n"
            // The numbers of an unreadable UPS are old: absent rather than shown as now.
            guard s.readable == true, let r = s.reading else { continue }
            if let c = r.charge { charge += "downtime_ups_battery_charge_percent{ups=\"\(name)\"} \(c)\n" }
            if let t = r.runtime { runtime += "downtime_ups_battery_runtime_seconds{ups=\"\(name)\"} \(t)\n" }
        }
        var events = header(
            "downtime_ups_events_total", .counter, "UPS events this collector stored since it started, by kind.")
        for kind in UPSEvent.Kind.allCases {
            events += "downtime_ups_events_total{kind=\"\(kind.rawValue)\"} \(counts[kind] ?? 0)\n"
        }
        return battery + charge + runtime + readable + events
    }
}
