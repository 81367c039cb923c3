import Foundation
import Testing

@testable import AgentCore

/// `container` checks: the rules on the Docker Engine API's answers (built by hand, and as podman 4.3's
/// compatible API really answered, recorded in Tests/fixtures/podman/answers), and the socket's troubles
/// against real sockets. The live API is in `PodmanContainerTests` and `ContainerCheckEndToEndTests`.
@Suite struct ContainerCheckTests {
    static let answers = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/podman/answers").path

    @Test func rulesOnEachState() {
        let table: [(ContainerState, CheckRun)] = [
            (ContainerState(running: true, status: "running"), .ok("running")),
            (ContainerState(running: true, status: "running", health: ""), .ok("running")),
            (ContainerState(running: true, status: "running", health: "none"), .ok("running")),
            (ContainerState(running: true, status: "running", health: "healthy"), .ok("running, healthy")),
            (
                ContainerState(running: true, status: "running", health: "starting"),
                .ok("running, health check starting")
            ),
            (ContainerState(running: true, status: "running", health: "unhealthy"), .failing("running, unhealthy")),
            (
                ContainerState(running: true, status: "running", health: "sickly"),
                .unknown("running, health 'sickly' not understood")
            ),
            (ContainerState(running: true, status: "paused", paused: true), .failing("paused")),
            (
                ContainerState(running: true, status: "restarting", restarting: true, exitCode: 1),
                .failing("restarting (exit code 1)")
            ),
            (ContainerState(running: false, status: "exited", exitCode: 137), .failing("exited (exit code 137)")),
            (ContainerState(running: false, status: "stopped", exitCode: 137), .failing("stopped (exit code 137)")),
            (ContainerState(running: false, status: "dead", exitCode: 0), .failing("dead (exit code 0)")),
            (ContainerState(running: false, status: "created"), .failing("created, never started")),
            (
                ContainerState(running: false, status: "created", exitCode: 127, error: "exec: no such file"),
                .failing("created, never started: exec: no such file")
            ),
            (ContainerState(running: false, status: "removing"), .failing("not running (removing)")),
        ]
        for (state, expected) in table { #expect(ContainerRules.verdict(state) == expected, "\(state)") }
    }

    @Test func answersOtherThanAState() {
        #expect(
            ContainerRules.verdict(status: 404, body: Array(#"{"message":"No such container: x"}"#.utf8))
                == .failing("no such container"))
        #expect(
            ContainerRules.verdict(status: 500, body: Array(#"{"message":"database is locked"}"#.utf8))
                == .unknown("the container API answered HTTP 500: database is locked"))
        #expect(ContainerRules.verdict(status: 502, body: []) == .unknown("the container API answered HTTP 502"))
        #expect(
            ContainerRules.verdict(status: 200, body: Array("<html>".utf8))
                == .unknown("the API's answer has no container State"))
        #expect(
            ContainerRules.verdict(status: 200, body: Array(#"{"State":{"Running":"yes"}}"#.utf8))
                == .unknown("the API's answer has no container State"))
        // Docker (not podman) leaves Health out for a container without a health check.
        #expect(
            ContainerRules.verdict(status: 200, body: Array(#"{"State":{"Running":true,"Status":"running"}}"#.utf8))
                == .ok("running"))
    }

    /// podman 4.3.1's `GET /containers/NAME/json`, recorded from `podman system service` on this machine.
    @Test func recordedPodmanAnswers() throws {
        let table: [(String, CheckRun)] = [
            ("dt-running.200.json", .ok("running")),
            ("dt-healthy.200.json", .ok("running, healthy")),
            ("dt-starting.200.json", .ok("running, health check starting")),
            ("dt-unhealthy.200.json", .failing("running, unhealthy: db not answering")),
            ("dt-stopped.200.json", .failing("exited (exit code 3)")),
            ("dt-created.200.json", .failing("created, never started")),
            ("nosuch.404.json", .failing("no such container")),
        ]
        for (file, expected) in table {
            let body = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.answers + "/" + file)))
            let status = Int(file.split(separator: ".")[1])!
            #expect(ContainerRules.verdict(status: status, body: body) == expected, "\(file)")
        }
    }

    @Test func aSocketThatCannotBeUsedIsUnknown() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        func check(_ socket: String) throws -> CheckRun {
            try SystemProbe().run(CheckSpec.parse("c=container:web socket=\(socket) timeout=2s", interval: 10))
        }
        #expect(
            try check(dir.file("none.sock"))
                == .unknown("no container API socket at \(dir.file("none.sock")): No such file or directory"))
        try "x".write(toFile: dir.file("plain"), atomically: true, encoding: .utf8)
        #expect(try check(dir.file("plain")) == .unknown("\(dir.file("plain")) is not a socket"))
        // A socket file whose listener is gone: connection refused.
        let path = dir.file("dead.sock")
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, byte) in path.utf8.enumerated() { raw[i] = byte }
        }
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        #expect(bound == 0)
        close(fd)
        let refused = try check(path)
        #expect(refused.state == .unknown && refused.detail.hasPrefix("container API at \(path): GET "), "\(refused)")
        #expect(CheckSpec(name: "c", kind: .container(name: "web")).options.socket == nil)
        #expect(CheckOptions.defaultSocket == "/var/run/docker.sock")
    }
}
