import AgentCore
import Glibc

// Thin shell: flags and environment → AgentConfig → Agent. Exit 2 on a bad configuration.

func fail(_ message: String) -> Never {
    Log.stderr("<3>downtime-agent: \(message)")
    exit(2)
}

func hostName() -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count - 1) == 0 else { return "" }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

func environment() -> [String: String] {
    var env: [String: String] = [:]
    var p = environ
    while let entry = p.pointee {
        let text = String(cString: entry)
        if let eq = text.firstIndex(of: "=") { env[String(text[..<eq])] = String(text[text.index(after: eq)...]) }
        p += 1
    }
    return env
}

// Block SIGTERM/SIGINT before anything can start a thread.
let signals = StopSignals()

/// For `maintenance` and `job`, run by hand, by a hook or by cron: the agent's own configuration file (systemd's EnvironmentFile=) under
/// the environment, so that it reaches the same collector with the same token and state folder.
func maintenanceEnvironment(_ env: [String: String]) -> [String: String] {
    let path = env["DOWNTIME_AGENT_ENV"] ?? "/etc/downtime/agent.env"
    guard let bytes = try? FileIO.read(path) else { return env }
    return EnvFile.parse(String(decoding: bytes, as: UTF8.self)).merging(env) { _, given in given }
}

let arguments = ProcessArguments.current(runtime: CommandLine.arguments) {
    (try? FileIO.read("/proc/self/cmdline")) ?? nil
}
let command: AgentConfig.Command
do {
    command = try AgentConfig.parse(
        arguments: arguments,
        environment: ["maintenance", "job"].contains(arguments.first)
            ? maintenanceEnvironment(environment()) : environment(),
        hostName: hostName())
} catch {
    fail(error.message)
}

switch command {
case .help:
    print(AgentConfig.usage, terminator: "")
    exit(0)
case .maintenanceHelp:
    print(MaintenanceRequest.usage, terminator: "")
    exit(0)
case .maintenance(let config, let request):
    let facts = LinuxBootFacts(
        bootIDFile: config.bootIDFile, uptimeFile: config.uptimeFile, timeSyncFile: config.timeSyncFile)
    do {
        let transport = try CurlTransport(
            baseURL: config.collectorURL, caFile: config.caFile, pinSHA256: config.pinSHA256, connectTimeout: 3,
            totalTimeout: 5)
        let (event, outcome) = try MaintenanceCommand(
            config: config, request: request, facts: facts, transport: transport
        ).run()
        let what = MaintenanceCommand.describe(event)
        switch outcome {
        case .sent: print("\(what): sent to \(config.collectorURL)")
        case .queued(let why): print("\(what): left in \(config.stateDir) for the running agent to send (\(why))")
        }
        exit(0)
    } catch let error as ConfigError {
        fail(error.message)
    } catch {
        fail("\(error)")
    }
case .jobHelp:
    print(JobRequest.usage, terminator: "")
    exit(0)
case .job(let request, let config):
    // The wrapper's output may go to a reader that leaves: the job runs on, and is reported.
    signal(SIGPIPE, SIG_IGN)
    let transport = config.flatMap { config -> Result<any Transport, ConfigError> in
        do {
            // Short: a collector away must not hold the job up, nor its end.
            return .success(
                try CurlTransport(
                    baseURL: config.collectorURL, caFile: config.caFile, pinSHA256: config.pinSHA256,
                    connectTimeout: 2, totalTimeout: 4))
        } catch {
            return .failure(ConfigError("\(error)"))
        }
    }
    let facts =
        (try? config.get()).map {
            LinuxBootFacts(bootIDFile: $0.bootIDFile, uptimeFile: $0.uptimeFile, timeSyncFile: $0.timeSyncFile)
        } ?? LinuxBootFacts()
    let (code, warning) = JobCommand(request: request, config: config, facts: facts, transport: transport).run()
    if let warning { Log.stderr(warning) }
    exit(code)
case .version:
    print("downtime-agent \(AgentCoreVersion.version)")
    exit(0)
case .run(let config):
    if let ca = config.caFile, access(ca, R_OK) != 0 { fail("CA file \(ca) is not readable") }
    let log = Log(maxLevel: config.verbose ? .debug : .info)
    let facts = LinuxBootFacts(
        bootIDFile: config.bootIDFile, uptimeFile: config.uptimeFile, timeSyncFile: config.timeSyncFile)
    do {
        let transport = try CurlTransport(
            baseURL: config.collectorURL, caFile: config.caFile, pinSHA256: config.pinSHA256,
            connectTimeout: 5, totalTimeout: min(10, Double(max(config.interval, 3))))
        let agent = try Agent(config: config, facts: facts, transport: transport, log: log)
        try agent.start()
        agent.run(wait: signals.wait)
        exit(0)
    } catch let error as ConfigError {
        fail(error.message)
    } catch {
        fail("\(error)")
    }
}
