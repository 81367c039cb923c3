/// Each kind of check against the real system.
public struct SystemProbe: CheckProbe {
    /// Stands for `/` when reading the temperature (the agent's `--sysfs-root`).
    let sysfsRoot: String
    /// How `systemd` checks ask systemd (tests point it at a user manager).
    var systemd = SystemdProbe()

    public init(sysfsRoot: String = "/") {
        self.sysfsRoot = sysfsRoot
    }

    public func run(_ spec: CheckSpec) -> CheckRun {
        switch spec.kind {
        case .tcp(let host, let port): TCPProbe.run(host: host, port: port, timeout: spec.timeout)
        case .http(let url):
            HTTPProbe.run(url: url, status: spec.options.status, contains: spec.options.contains, timeout: spec.timeout)
        case .command(let path): CommandProbe.run(path: path, timeout: spec.timeout)
        case .disk(let path, let maxPercent): DiskProbe.run(path: path, maxPercent: maxPercent)
        case .temp(let maxCelsius): TempProbe.run(sysfsRoot: sysfsRoot, maxCelsius: maxCelsius)
        case .systemd(let unit):
            systemd.run(
                unit: unit, timeout: spec.timeout,
                activatingLimit: spec.options.activating ?? CheckOptions.defaultActivating)
        case .container(let name):
            ContainerProbe.run(
                name: name, socket: spec.options.socket ?? CheckOptions.defaultSocket, timeout: spec.timeout)
        }
    }
}
