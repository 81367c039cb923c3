import AgentCore
import Testing

/// The agent's words when the runtime's capture is empty (a preloaded library ran first): read from the kernel's
/// `/proc/self/cmdline`, NUL-separated, keeping empty words.
@Suite struct ProcessArgumentsTests {
    @Test func theRuntimesWordsWinAndTheKernelsFillIn() {
        let cmdline = Array("/usr/bin/downtime-agent\0job\0backup\0--\0sh\0-c\0\0".utf8)
        var read = false
        let runtime = ProcessArguments.current(runtime: ["agent", "--version"]) {
            read = true
            return cmdline
        }
        #expect(runtime == ["--version"] && !read)
        #expect(ProcessArguments.current(runtime: []) { cmdline } == ["job", "backup", "--", "sh", "-c", ""])
        #expect(ProcessArguments.current(runtime: []) { nil } == [])
        #expect(ProcessArguments.parse(Array("agent\0".utf8)) == ["agent"])
        #expect(ProcessArguments.parse(Array("agent\0caf\u{e9}\0".utf8)) == ["agent", "caf\u{e9}"])
        #expect(ProcessArguments.parse([]) == [])
    }
}
