import DowntimeProtocol
import Foundation
import Testing

/// Debian's Prometheus scrapes the real collector; its query API must see the device's state.
@Suite(.serialized) struct PrometheusEndToEndTests {
    @Test func prometheusScrapesTheCollectorAndPromtoolAcceptsTheMetrics() throws {
        let data = try Binaries.tempDir("prom")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let token = String(
            try Binaries.run("downtime-collector", ["device", "add", "pi-metrics", "--data-dir", data])
                .out.split(separator: "\n").last ?? "")
        let collector = try CollectorProcess(dataDir: data)
        #expect(try Binaries.run("/usr/bin/curl", ["-fsS", "\(collector.url)/ping/\(token)"]).out == "OK\n")

        let metrics = try Curl.request("GET", "\(collector.url)/metrics")
        #expect(
            metrics.status == 200
                && metrics.body.contains("downtime_device_state{device=\"pi-metrics\",state=\"up\"} 1"))
        let file = "\(data)/metrics.txt"
        try metrics.body.write(toFile: file, atomically: true, encoding: .utf8)
        let check = try Binaries.run("/bin/sh", ["-c", "/usr/bin/promtool check metrics < \"$1\"", "sh", file])
        #expect(check.status == 0, "promtool: \(check.out) \(check.err)")

        let promPort = try Self.freePort()
        let config = """
            global: {scrape_interval: 1s, evaluation_interval: 1s}
            scrape_configs:
              - job_name: downtime
                static_configs: [{targets: ["127.0.0.1:\(collector.port)"]}]
            """
        try config.write(toFile: "\(data)/prometheus.yml", atomically: true, encoding: .utf8)
        let prom = Process()
        prom.executableURL = URL(fileURLWithPath: "/usr/bin/prometheus")
        prom.arguments = [
            "--config.file=\(data)/prometheus.yml", "--storage.tsdb.path=\(data)/tsdb",
            "--web.listen-address=127.0.0.1:\(promPort)",
        ]
        prom.standardOutput = FileHandle.nullDevice
        prom.standardError = FileHandle.nullDevice
        try prom.run()
        defer {
            prom.terminate()
            prom.waitUntilExit()
        }
        let query =
            "http://127.0.0.1:\(promPort)/api/v1/query?query=downtime_device_state%7Bdevice%3D%22pi-metrics%22%2Cstate%3D%22up%22%7D"
        var answer = ""
        let deadline = Date() + 30
        while Date() < deadline {
            answer = (try? Curl.request("GET", query).body) ?? ""
            if answer.contains("\"value\":[") { break }
            Thread.sleep(forTimeInterval: 0.5)
        }
        #expect(answer.contains("\"device\":\"pi-metrics\"") && answer.contains("\"1\"]"), "\(answer)")
    }

    static func freePort() throws -> Int {
        let r = try Binaries.run(
            "/usr/bin/python3",
            ["-c", "import socket;s=socket.socket();s.bind(('127.0.0.1',0));print(s.getsockname()[1])"])
        return Int(r.out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }
}
