import Foundation
import TestSupport
import Testing

@testable import AgentCore

/// `container` checks against podman's real Docker-compatible API (`podman system service`) with containers
/// made from a local busybox image (no registry), started by Tests/fixtures/podman/podman-service.sh.
/// Needs root and podman.
@Suite(.serialized) struct PodmanContainerTests {
    static let usable =
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/podman")
        && FileManager.default.isExecutableFile(atPath: "/bin/busybox")

    @Test(.enabled(if: usable)) func realPodmanServiceContainers() throws {
        let service = try PodmanService()
        defer { service.stop() }
        func check(_ name: String) throws -> CheckRun {
            try SystemProbe().run(CheckSpec.parse("c=container:\(name) socket=\(service.socket)", interval: 10))
        }
        #expect(try check("dt-running") == .ok("running"))
        #expect(try check("dt-healthy") == .ok("running, healthy"))
        #expect(try check("dt-starting") == .ok("running, health check starting"))
        #expect(try check("dt-unhealthy") == .failing("running, unhealthy: db not answering"))
        #expect(try check("dt-stopped") == .failing("exited (exit code 3)"))
        #expect(try check("dt-created") == .failing("created, never started"))
        #expect(try check("dt-missing") == .failing("no such container"))
    }
}

/// Podman's API service on a socket in a fresh folder, with the script's containers; `stop()` removes all.
final class PodmanService {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/podman/podman-service.sh").path
    let dir = TempDir()
    var socket: String { dir.file("podman.sock") }

    init() throws {
        let status = Self.run(["start", dir.path])
        guard status == 0 else {
            dir.cleanup()
            throw ConfigError("podman-service.sh start failed (\(status))")
        }
    }

    func stop() {
        _ = Self.run(["stop", dir.path])
        dir.cleanup()
    }

    private static func run(_ args: [String]) -> Int32 { FixtureScript.run(script, args).status }
}
