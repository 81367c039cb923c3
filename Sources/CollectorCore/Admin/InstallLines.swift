/// The ready-to-paste lines that set up a device's reporter, shown with its token: the agent's `agent.env`
/// and install command, and the two commands of the shell reporter the collector serves.
public struct InstallLines: Sendable, Equatable {
    public var agentEnv: String
    public var agentInstall: String
    /// Downloads the shell reporter from this collector.
    public var reporterDownload: String
    /// Installs it as a systemd service with the device's settings (the script's `--install`).
    public var reporterInstall: String

    public static let reporterPath = "/install/downtime-report.sh"

    /// `pin` is the collector's `sha256//...` public-key pin when it serves TLS (alone it is the whole check).
    public init(collectorURL url: String, device: String, token: String, tls: Bool, pin: String?) {
        var env = ["DOWNTIME_COLLECTOR_URL=\(url)", "DOWNTIME_TOKEN=\(token)", "DOWNTIME_DEVICE=\(device)"]
        var tlsEnv: [String] = []
        var curlTLS = ""
        if tls {
            if let pin {
                tlsEnv.append("DOWNTIME_PIN_SHA256=\(pin)")
                // As the reporter does: a pin alone names the exact key, so no CA check beside it.
                curlTLS = " -k --pinnedpubkey '\(pin)'"
            } else {
                tlsEnv.append("DOWNTIME_CA_FILE=/etc/downtime/ca.pem")
                curlTLS = " --cacert /etc/downtime/ca.pem"
            }
        }
        env += tlsEnv
        agentEnv = env.joined(separator: "\n") + "\n"
        agentInstall =
            "sudo install -d -m 700 /etc/downtime && sudo nano /etc/downtime/agent.env"
            + "   # paste the lines above, then from a DowntimeMon checkout:\nsudo deploy/install.sh agent"
        reporterDownload = "curl -fsS\(curlTLS) -o downtime-report.sh '\(url)\(Self.reporterPath)'"
        let vars = (env.map { "'\($0)'" }).joined(separator: " ")
        reporterInstall = "sudo env \(vars) sh downtime-report.sh --install"
    }
}
