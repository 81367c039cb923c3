import Foundation

/// Real agents for some of a collector's devices, each in its own sandbox booted 1,000 s ago; all killed and
/// their sandboxes removed with the fleet.
final class AgentFleet {
    private(set) var agents: [AgentProcess] = []
    private var sandboxes: [AgentSandbox] = []

    init(_ names: [String], collector url: String, tokens: [String: String]) throws {
        for name in names {
            let sandbox = try AgentSandbox()
            sandboxes.append(sandbox)
            _ = try sandbox.boot(uptime: 1000)
            agents.append(
                try AgentProcess(collector: url, device: name, token: tokens[name] ?? "", sandbox: sandbox))
        }
    }

    /// Every agent killed, as a power cut of their devices would.
    func killAll() { for a in agents { a.stop(SIGKILL) } }

    deinit {
        killAll()
        for s in sandboxes { s.remove() }
    }
}
