import AgentCore
import DowntimeProtocol
import Foundation

/// `downtime-bench heartbeat-bodies`: one device's heartbeat as the agent encodes it, without checks, with
/// 10 checks' digest (every beat), and with their full results (the beat after a change, and once per persist
/// interval); one JSON object for the ingest benchmark, which sends these bodies for every device (the device
/// name and `sent_at` replaced) and reports their sizes.
enum HeartbeatBodies {
    static let device = "device-00000"
    static let sentAt = Date(timeIntervalSince1970: 1_796_000_000)

    /// Ten checks of the kinds a Pi runs, with the details their probes write.
    static let checks: [(String, CheckState, String)] = [
        ("pihole", .ok, "active (running)"), ("homeassistant", .ok, "running, healthy"),
        ("mosquitto", .ok, "active (running)"), ("dns", .ok, "connected to 127.0.0.1:53"),
        ("web", .ok, "HTTP 200"), ("backup", .ok, "backup fresh (2 h)"), ("root-disk", .ok, "41% used, 16.9 GiB free"),
        ("soc-temp", .ok, "48.3 °C"), ("zigbee2mqtt", .failing, "exited (exit code 1)"),
        ("frigate", .unknown, "cannot open the container API socket /var/run/docker.sock: Permission denied"),
    ]
    static let results = checks.map { CheckResult(name: $0.0, state: $0.1, detail: $0.2, since: sentAt - 3_600) }

    static func run() throws {
        func body(_ checks: CheckDigest?) throws -> String {
            let beat = Heartbeat(
                device: device, seq: 2, bootID: "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f", uptimeS: 120.5, sentAt: sentAt,
                clockSynced: true, intervalS: 10, agentVersion: AgentCoreVersion.version, checks: checks)
            return String(decoding: try WireCoding.encode(beat), as: UTF8.self)
        }
        let bodies = [
            "device": device, "sent_at": WireTime.format(sentAt),
            "plain": try body(nil), "digest": try body(CheckDigest(of: results, full: false)),
            "full": try body(CheckDigest(of: results, full: true)),
        ]
        let out = try JSONSerialization.data(withJSONObject: bodies, options: [.sortedKeys])
        print(String(decoding: out, as: UTF8.self))
    }
}
