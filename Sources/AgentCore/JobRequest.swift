import DowntimeProtocol

/// `downtime-agent job NAME [agent options] -- COMMAND ARGS…` (pure): the job's name, the command to run as given
/// (no shell), and the agent's options before `--`.
public struct JobRequest: Sendable, Equatable {
    public var name: String
    /// The program and its arguments; the program is looked up in PATH when it has no `/`.
    public var command: [String]

    public init(name: String, command: [String]) {
        self.name = name
        self.command = command
    }

    public static let usage =
        "usage: downtime-agent job NAME [options] -- COMMAND [ARGS...]\n"
        + "Runs COMMAND (no shell; quote nothing for one), passes its output through, and reports the run to the\n"
        + "collector as job_start and job_end events (sent at once, or left for the running agent). Exits with\n"
        + "COMMAND's exit code (128+N when killed by signal N; 127 when not found, 126 when not executable).\n"
        + "NAME like the device names: \(DeviceName.rule). The agent's own options and variables apply.\n"

    /// The job words of `arguments` (after `job`) and the rest before `--` (the agent's options).
    public static func parse(_ arguments: [String]) throws(ConfigError) -> (request: JobRequest, rest: [String]) {
        guard let dashes = arguments.firstIndex(of: "--") else {
            throw ConfigError("job: put -- before the command: downtime-agent job NAME -- COMMAND [ARGS...]")
        }
        let command = Array(arguments[(dashes + 1)...])
        guard let program = command.first, !program.isEmpty else {
            throw ConfigError("job: no command after --: downtime-agent job NAME -- COMMAND [ARGS...]")
        }
        var name: String?
        var rest: [String] = []
        var index = 0
        while index < dashes {
            let arg = arguments[index]
            index += 1
            if arg.hasPrefix("--") {
                rest.append(arg)
                // An agent option's value goes with it.
                let flag = String(arg.dropFirst(2))
                if AgentConfig.options.contains(where: { $0.flag == flag && $0.takesValue }), index < dashes {
                    rest.append(arguments[index])
                    index += 1
                }
            } else if name == nil {
                name = arg
            } else {
                throw ConfigError("job: unexpected argument '\(arg)' before -- (one job name)")
            }
        }
        guard let name else { throw ConfigError("job: give the job's name: downtime-agent job NAME -- COMMAND") }
        guard DeviceName.isValid(name) else {
            throw ConfigError("job: name '\(name)' must match \(DeviceName.rule)")
        }
        return (JobRequest(name: name, command: command), rest)
    }
}
