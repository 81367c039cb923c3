import DowntimeProtocol
import Foundation
import TestSupport
import Testing

/// `container` checks end to end: the real agent asks podman's real Docker-compatible API
/// (`podman system service`, containers made from a local busybox image, no registry; see
/// Tests/fixtures/podman/podman-service.sh) and the real collector shows what it found; a container stopped
/// and started again by the test flips the check and back. Needs root and podman (`make deps` installs it).
@Suite(.serialized) struct ContainerCheckEndToEndTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/podman/podman-service.sh").path
    static let usable =
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/podman")
        && FileManager.default.isExecutableFile(atPath: "/bin/busybox")

    func podman(_ dir: String, _ args: [String]) {
        let r = FixtureScript.run(Self.script, ["podman", dir] + args)
        #expect(r.status == 0, "podman \(args): its errors are in the output above")
    }

    @Test(.enabled(if: usable)) func agentReportsContainersFromPodmansAPI() throws {
        let dir = try Binaries.tempDir("podman")
        let started = FixtureScript.run(Self.script, ["start", dir])
        defer {
            _ = FixtureScript.run(Self.script, ["stop", dir])
            try? FileManager.default.removeItem(atPath: dir)
        }
        try #require(started.status == 0, "podman service did not start (its errors are in the output above)")
        let socket = dir + "/podman.sock"
        let site = try Site()
        let sandbox = try AgentSandbox()
        defer {
            site.remove()
            sandbox.remove()
        }
        let collector = try CollectorProcess(dataDir: site.data)
        _ = try sandbox.boot(uptime: 1000)
        let flags = [
            "web=container:dt-running", "stopped=container:dt-stopped", "sick=container:dt-unhealthy",
            "gone=container:dt-missing",
        ].flatMap { ["--check", "\($0) socket=\(socket) every=1s"] }
        let agent = try AgentProcess(
            collector: collector.url, device: site.device, token: site.token, sandbox: sandbox,
            extraArgs: flags + ["--check", "nodocker=container:dt-running socket=\(dir)/none.sock every=1s"])
        defer { agent.stop(SIGKILL) }

        func check(_ name: String) throws -> CheckResult? {
            try Curl.get("\(collector.url)/api/v1/devices/\(site.device)", as: DeviceView.self).checks.first {
                $0.name == name
            }
        }
        func shows(_ name: String, _ state: CheckState, _ detail: @escaping (String) -> Bool) -> () throws -> Bool {
            { try check(name).map { $0.state == state && detail($0.detail) } ?? false }
        }
        eventually(20, "web ok", shows("web", .ok) { $0 == "running" })
        eventually(5, "stopped failing", shows("stopped", .failing) { $0 == "exited (exit code 3)" })
        eventually(5, "sick failing", shows("sick", .failing) { $0 == "running, unhealthy: db not answering" })
        eventually(5, "gone failing", shows("gone", .failing) { $0 == "no such container" })
        eventually(5, "nodocker unknown", shows("nodocker", .unknown) { $0.hasPrefix("no container API socket at ") })

        // The container stops: the check fails within a check period and a beat; started again, it recovers.
        podman(dir, ["stop", "-t", "0", "dt-running"])
        eventually(
            10, "web failing",
            shows("web", .failing) { $0.hasPrefix("exited (exit code ") || $0.hasPrefix("stopped (exit code ") })
        podman(dir, ["start", "dt-running"])
        eventually(10, "web ok again", shows("web", .ok) { $0 == "running" })
        // podman may say `stopped` before `exited`; the log has the state change only.
        #expect(agent.output.contains("check web: failing ("), "\(agent.output)")
        #expect(agent.output.contains("check web: ok (running)"), "\(agent.output)")
    }
}
