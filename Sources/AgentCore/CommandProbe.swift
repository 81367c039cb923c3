import Glibc

/// `command:/path`: the program run without a shell (`ProgramRunner`); exit code 0 is ok; its output's first
/// line is the detail. Past the timeout the whole process group is killed and the run is failing.
enum CommandProbe {
    static func run(path: String, timeout: Double) -> CheckRun {
        switch ProgramRunner.run([path], timeout: timeout) {
        case .cannotStart(let reason): return .unknown("cannot run \(path): \(reason)")
        case .timedOut(let output):
            let line = ProgramRunner.firstLine(output)
            return .failing("timed out after \(seconds(timeout))" + (line.isEmpty ? "" : ": " + line))
        case .finished(let status, let output): return verdict(status, ProgramRunner.firstLine(output))
        }
    }

    private static func verdict(_ status: Int32, _ output: String) -> CheckRun {
        let signal = status & 0x7f
        let tail = output.isEmpty ? "" : ": " + output
        guard signal == 0 else { return .failing("killed by signal \(signal)" + tail) }
        let code = (status >> 8) & 0xff
        return code == 0 ? .ok(output.isEmpty ? "exit 0" : output) : .failing("exit \(code)" + tail)
    }

    static func seconds(_ value: Double) -> String {
        value.rounded() == value ? "\(Int(value)) s" : "\(value) s"
    }
}
