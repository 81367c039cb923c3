import DowntimeProtocol
import Foundation
import Testing

/// Issue #29, against a real broker (Debian's mosquitto) with a password file: the fleet appears to any MQTT
/// discovery client by itself, follows the devices, survives the broker's restart and says offline by its last will.
@Suite(.serialized) struct HomeAssistantEndToEndTests {
    static func collectorEnv(_ broker: MosquittoBroker, password: String? = nil, host: String = "127.0.0.1")
        -> [String: String]
    {
        let scheme = broker.caFile == nil ? "mqtt" : "mqtts"
        var env = [
            "DOWNTIME_MQTT_URL": "\(scheme)://\(broker.user):\(password ?? broker.password)@\(host):\(broker.port)",
            "DOWNTIME_PUBLIC_URL": "http://nas.example:8899", "DOWNTIME_MISSES": "2", "DOWNTIME_GRACE": "1",
        ]
        if let ca = broker.caFile { env["DOWNTIME_MQTT_CA"] = ca }
        return env
    }

    @Test func devicesAppearFollowTheirStateAndOutliveABrokerRestart() throws {
        let broker = try MosquittoBroker()
        let data = try Binaries.tempDir("mqtt")
        defer { try? FileManager.default.removeItem(atPath: data) }
        var tokens: [String: String] = [:]
        for name in ["pi-kitchen", "pi-spare"] {
            let add = try Binaries.run("downtime-collector", ["device", "add", name, "--data-dir", data])
            tokens[name] = String(add.out.split(separator: "\n").last ?? "")
        }
        let collector = try CollectorProcess(dataDir: data, env: Self.collectorEnv(broker))
        defer { collector.stop(SIGKILL) }
        eventually(10, "the collector's session") {
            collector.output.contains("MQTT: connected to mqtt://127.0.0.1:\(broker.port)")
        }

        // A subscriber that comes later (Home Assistant starting) gets the retained configs. (The first one only
        // waits for them to be there: one subscribed while they are published gets them with retain 0.)
        let first = try MQTTWatch(broker)
        eventually(5, "the first config") { first.last("homeassistant/device/pi_kitchen/config") != nil }
        first.stop()
        let ha = try MQTTWatch(broker)
        let config = "homeassistant/device/pi_kitchen/config"
        let state = "downtime/device/pi-kitchen/state"
        eventually(5, "retained config and status") {
            ha.retained(config) != nil && ha.retained("downtime/status")?.payload == "online"
                && ha.retained(state) != nil
        }
        let json = try #require(ha.json(config))
        let device = try #require(json["device"] as? [String: Any])
        #expect(device["name"] as? String == "pi-kitchen" && device["model"] as? String == "DowntimeMon agent")
        #expect(device["identifiers"] as? [String] == ["downtimemon_pi_kitchen"])
        #expect(device["configuration_url"] as? String == "http://nas.example:8899/devices/pi-kitchen")
        #expect((json["availability"] as? [[String: Any]])?.first?["topic"] as? String == "downtime/status")
        #expect(json["state_topic"] as? String == state)
        let components = try #require(json["components"] as? [String: [String: Any]])
        for key in ["connectivity", "status", "last_seen", "uptime_24h", "uptime_7d", "last_outage_cause", "power"] {
            #expect(components[key]?["unique_id"] as? String == "downtimemon_pi_kitchen_\(key)", "\(key)")
        }
        #expect(components["temperature"] == nil) // not reported yet
        #expect(ha.json(state)?["status"] as? String == "new")

        // The agent beats, with a temperature: the state and the config follow (its version, the new entity).
        let sandbox = try AgentSandbox()
        defer { sandbox.remove() }
        _ = try sandbox.boot(uptime: 1000)
        let sysfs = sandbox.root + "/sys root"
        try FileManager.default.createDirectory(
            atPath: sysfs + "/sys/class/thermal/thermal_zone0", withIntermediateDirectories: true)
        try "47250\n".write(toFile: sysfs + "/sys/class/thermal/thermal_zone0/temp", atomically: true, encoding: .utf8)
        let agent = try AgentProcess(
            collector: collector.url, device: "pi-kitchen", token: tokens["pi-kitchen"] ?? "", sandbox: sandbox,
            extraArgs: ["--sysfs-root", sysfs])
        eventually(10, "pi-kitchen up over MQTT") {
            ha.json(state)?["status"] as? String == "up" && ha.json(state)?["online"] as? Bool == true
        }
        eventually(10, "the config with the agent's version and the temperature") {
            let c = ha.json(config)
            return (c?["device"] as? [String: Any])?["sw_version"] as? String == "0.1.0"
                && (c?["components"] as? [String: Any])?["temperature"] != nil
                && ha.json(state)?["temperature_c"] as? Double == 47.3 // the agent's 0.1 °C
        }

        // Down: its connectivity is off within a second of the flip (seen by the API as it is recorded).
        agent.stop(SIGKILL)
        var downAt: Date?
        eventually(15, "pi-kitchen down on the API") {
            let down = try Curl.get("\(collector.url)/api/v1/devices/pi-kitchen", as: DeviceView.self).status == .down
            if down { downAt = Date() }
            return down
        }
        eventually(2, "pi-kitchen offline over MQTT") { ha.json(state)?["online"] as? Bool == false }
        let offAt = try #require(
            ha.messages.first { $0.topic == state && $0.payload.contains("\"status\":\"down\"") }?.at)
        let seen = try #require(downAt)
        #expect(abs(offAt.timeIntervalSince(seen)) < 1.0, "published \(offAt.timeIntervalSince(seen)) s after")
        #expect(ha.json(state)?["since"] as? String != nil)

        // A device removed on the collector: its config is emptied, so Home Assistant removes it.
        #expect(ha.last("homeassistant/device/pi_spare/config")?.payload.isEmpty == false)
        let removed = try Binaries.run("downtime-collector", ["device", "remove", "pi-spare", "--data-dir", data])
        #expect(removed.status == 0, "\(removed.err)")
        eventually(15, "pi-spare's config emptied") {
            ha.last("homeassistant/device/pi_spare/config")?.payload == ""
                && ha.last("downtime/device/pi-spare/state")?.payload == ""
        }

        // A device added on the running collector appears with its entities, nothing else configured.
        let added = try Binaries.run("downtime-collector", ["device", "add", "pi-garage", "--data-dir", data])
        #expect(added.status == 0, "\(added.err)")
        eventually(15, "pi-garage's config") {
            (ha.json("homeassistant/device/pi_garage/config")?["components"] as? [String: Any])?["connectivity"] != nil
        }

        // Home Assistant's birth message: every config again.
        let before = ha.messages.filter { $0.topic == config }.count
        try broker.publish("homeassistant/status", "online")
        eventually(5, "configs again after the birth message") {
            ha.messages.filter { $0.topic == config }.count > before
        }

        // The link on /metrics and in the page footer.
        let metrics = try Curl.request("GET", "\(collector.url)/metrics").body
        #expect(
            metrics.contains("downtime_mqtt_connected 1") && metrics.contains("downtime_mqtt_messages_dropped_total 0"))
        #expect(try Curl.request("GET", collector.url + "/").body.contains("MQTT: connected to mqtt://127.0.0.1:"))

        // The broker dies and comes back empty (no persistence): everything is published again.
        ha.stop()
        broker.kill9()
        eventually(10, "the lost link said") {
            try Curl.request("GET", "\(collector.url)/metrics").body.contains("downtime_mqtt_connected 0")
        }
        try broker.start()
        eventually(20, "the collector back on the broker") {
            try Curl.request("GET", "\(collector.url)/metrics").body.contains("downtime_mqtt_connected 1")
        }
        // A new subscriber each try: one that subscribed while they were published got them with retain 0.
        var watch: MQTTWatch?
        eventually(10, "every retained message back") {
            let w = try MQTTWatch(broker)
            Thread.sleep(forTimeInterval: 0.5)
            watch = w
            return w.retained(config) != nil && w.retained(state) != nil
                && w.retained("downtime/status")?.payload == "online"
        }
        let again = try #require(watch)
        #expect(again.json(state)?["status"] as? String == "down")
        #expect(collector.output.components(separatedBy: "MQTT: connected to").count - 1 == 2, "\(collector.output)")

        // The collector dies: its last will says offline.
        collector.stop(SIGKILL)
        eventually(5, "offline by the last will") { again.last("downtime/status")?.payload == "offline" }
    }

    @Test func aWrongPasswordIsOneLineAndRetriesWhileTheCollectorServes() throws {
        let broker = try MosquittoBroker()
        let data = try Binaries.tempDir("mqtt-auth")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let collector = try CollectorProcess(dataDir: data, env: Self.collectorEnv(broker, password: "wrong"))
        defer { collector.stop() }
        Thread.sleep(forTimeInterval: 6) // several attempts: 1 s, 2 s, then 4 s apart
        let lines = collector.output.split(separator: "\n").filter { $0.contains("MQTT: not connected") }
        #expect(lines.count == 1, "\(collector.output)")
        #expect(lines.first?.contains("not authorised") == true, "\(lines)")
        #expect(!collector.output.contains("wrong"), "the password is never logged")
        #expect(collector.process.isRunning)
        #expect(try Curl.request("GET", "\(collector.url)/healthz").status == 200)
        #expect(try Curl.request("GET", collector.url + "/").body.contains("MQTT: not connected to mqtt://127.0.0.1:"))
        #expect(try Curl.request("GET", "\(collector.url)/metrics").body.contains("downtime_mqtt_connected 0"))
    }

    @Test func mqttsWithAPrivateCA() throws {
        let broker = try MosquittoBroker(tls: true)
        let data = try Binaries.tempDir("mqtts")
        defer { try? FileManager.default.removeItem(atPath: data) }
        _ = try Binaries.run("downtime-collector", ["device", "add", "pi-tls", "--data-dir", data])
        let collector = try CollectorProcess(dataDir: data, env: Self.collectorEnv(broker, host: "localhost"))
        defer { collector.stop() }
        let watch = try MQTTWatch(broker, host: "localhost")
        eventually(10, "the config over TLS") {
            watch.last("homeassistant/device/pi_tls/config") != nil
                && watch.last("downtime/status")?.payload == "online"
        }
        #expect(collector.output.contains("MQTT: connected to mqtts://localhost:\(broker.port)"))
    }

    @Test func aBrokerThatIsAwayAtStartIsNoError() throws {
        let data = try Binaries.tempDir("mqtt-away")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let port = freeLoopbackPort()
        let collector = try CollectorProcess(dataDir: data, env: ["DOWNTIME_MQTT_URL": "mqtt://127.0.0.1:\(port)"])
        defer { collector.stop() }
        #expect(try Curl.request("GET", "\(collector.url)/healthz").status == 200)
        eventually(5, "the refused connection said once") {
            collector.output.contains("MQTT: not connected to mqtt://127.0.0.1:\(port): Connection refused")
        }
    }
}
