import Glibc
import Testing

@testable import AgentCore

@Suite struct ProgramRunnerTests {
    /// A check's program gets stdin, stdout and stderr, nothing else of the agent's: an inherited socket or pipe
    /// held by a daemon the program leaves behind stays open for ever (a helper saw a test wait 30 s on one).
    @Test func aProgramInheritsNoDescriptorOfTheAgent() throws {
        let leaked = open("/dev/null", O_RDONLY) // without close-on-exec, as a careless library's would be
        try #require(leaked > 2)
        defer { close(leaked) }
        guard case .finished(let status, let output) = ProgramRunner.run(["/bin/ls", "/proc/self/fd"], timeout: 5)
        else {
            Issue.record("ls did not run")
            return
        }
        #expect(status == 0)
        // 0, 1, 2 and the folder ls itself opened to list them.
        #expect(output.split(separator: "\n").map(String.init) == ["0", "1", "2", "3"], "\(output)")
    }
}
