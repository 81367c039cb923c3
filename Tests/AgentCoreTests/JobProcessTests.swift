import DowntimeProtocol
import Foundation
import Glibc
import Testing

@testable import AgentCore

/// The job wrapper's runs, with real processes (the shell here is the COMMAND; the wrapper uses none itself).
@Suite struct JobProcessTests {
    func run(_ argv: [String]) -> JobProcess.Result {
        JobProcess.run(argv, passThrough: nil, stopSignals: false)
    }

    @Test func theExitCodeAndTheOutputAreKept() {
        let r = run(["/bin/sh", "-c", "echo out; echo err >&2; exit 3"])
        #expect(r.exitCode == 3 && r.signal == nil && r.reason.isEmpty && r.wrapperExitCode == 3)
        #expect(r.output.tail.output == "out\nerr\n" && r.output.tail.dropped == 0)
        #expect(run(["true"]).exitCode == 0) // found in PATH
    }

    @Test func aMissingCommandIs127WithTheReason() {
        for program in ["/nonexistent/backup.sh", "no-such-command-dtm"] {
            let r = run([program, "x"])
            #expect(r.exitCode == 127 && r.wrapperExitCode == 127, "\(r)")
            #expect(r.reason == "command not found: \(program)")
        }
    }

    @Test func aFileThatIsNotExecutableIs126() throws {
        let dir = TempDir()
        defer { dir.cleanup() }
        let script = dir.file("backup.sh")
        try "#!/bin/sh\necho hi\n".write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o644)
        let r = run([script])
        #expect(r.exitCode == 126 && r.reason.hasPrefix("cannot run \(script): "), "\(r)")
        #expect(run([dir.path]).exitCode == 126) // a folder
    }

    @Test func aCommandKilledBySignalExits128PlusItsNumber() {
        let r = run(["/bin/sh", "-c", "echo before; kill -TERM $$"])
        #expect(r.signal == Int(SIGTERM) && r.exitCode == nil && r.wrapperExitCode == 128 + SIGTERM, "\(r)")
        #expect(r.output.tail.output == "before\n")
    }

    @Test func longOutputKeepsItsLastFourKilobytesAndCountsTheRest() {
        let r = run(["/bin/sh", "-c", "head -c 100000 /dev/zero | tr '\\0' a; echo; echo THE END"])
        let (output, dropped) = r.output.tail
        #expect(output.utf8.count == JobEnd.maxOutput && output.hasSuffix("aaa\nTHE END\n"))
        #expect(dropped == 100_000 + 1 + 8 - JobEnd.maxOutput)
        #expect(r.exitCode == 0)
    }

    @Test func theDurationIsMeasuredAndADaemonLeftBehindDoesNotHoldTheRun() {
        let started = Monotonic.now()
        let r = run(["/bin/sh", "-c", "sleep 0.3; sleep 30 & echo started"])
        #expect(r.exitCode == 0 && r.output.tail.output == "started\n")
        #expect(r.durationS >= 0.3 && r.durationS < 3, "\(r.durationS)")
        #expect(Monotonic.now() - started < 5)
    }

    @Test func theOutputIsPassedThroughAsItComes() throws {
        var fds: [Int32] = [-1, -1]
        try #require(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let r = JobProcess.run(
            ["/bin/sh", "-c", "printf 'line 1\\nline 2\\n'"], passThrough: fds[1], stopSignals: false)
        close(fds[1])
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = read(fds[0], &buffer, buffer.count)
        #expect(String(decoding: buffer[0..<max(0, n)], as: UTF8.self) == "line 1\nline 2\n")
        #expect(r.output.tail.output == "line 1\nline 2\n")
    }
}
