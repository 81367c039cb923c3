import CurlClient
import Glibc

/// `container:NAME`: `GET /containers/NAME/json` from the Docker Engine API (or podman's compatible one)
/// over its unix socket through libcurl, judged by `ContainerRules`. A socket that is missing, refused or
/// not ours to open is `unknown`: the container's state cannot be told, it is not known to be down.
enum ContainerProbe {
    static func run(name: String, socket: String, timeout: Double) -> CheckRun {
        if let trouble = socketTrouble(socket) { return .unknown(trouble) }
        let response: CurlResponse
        do {
            let handle = try CurlHandle(
                connectTimeout: timeout, protocols: "http", userAgent: "downtime-agent/\(AgentCoreVersion.version)",
                unixSocket: socket)
            // The host part is not used over a unix socket; "docker" is what Docker's own client sends.
            response = try handle.perform(
                CurlRequest(url: "http://docker/containers/\(name)/json", method: .get, timeout: timeout))
        } catch {
            return .unknown("container API at \(socket): \(error.message)")
        }
        return ContainerRules.verdict(status: response.status, body: response.body)
    }

    /// Why the socket cannot be used, in words; nil when it looks usable. Connecting to a unix socket needs
    /// write permission on it (the docker group's).
    static func socketTrouble(_ path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else {
            return "no container API socket at \(path): \(String(cString: strerror(errno)))"
        }
        guard st.st_mode & S_IFMT == S_IFSOCK else { return "\(path) is not a socket" }
        guard access(path, R_OK | W_OK) == 0 else {
            return "cannot open the container API socket \(path): \(String(cString: strerror(errno)))"
        }
        return nil
    }
}
