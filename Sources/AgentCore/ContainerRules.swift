/// What a `container` check makes of the Docker Engine API's answer: a pure function of the HTTP status
/// and body.
public enum ContainerRules {
    /// Running (not paused, not restarting) and, when it has a health check, not unhealthy, is ok; a health
    /// check still `starting` is ok (Docker turns it to unhealthy itself when its retries are spent).
    public static func verdict(_ state: ContainerState) -> CheckRun {
        guard state.running, !state.paused, !state.restarting else {
            if state.restarting { return .failing("restarting (exit code \(state.exitCode))") }
            if state.paused { return .failing("paused") }
            let why = state.error.isEmpty ? "" : ": \(state.error)"
            return switch state.status {
            // podman says `stopped` for an exited container not yet cleaned up.
            case "exited", "dead", "stopped": .failing("\(state.status) (exit code \(state.exitCode))" + why)
            case "created", "configured": .failing("created, never started" + why)
            default: .failing("not running (\(state.status))" + why)
            }
        }
        switch state.health?.status ?? "" {
        case "", "none": return .ok("running")
        case "healthy": return .ok("running, healthy")
        case "starting": return .ok("running, health check starting")
        case "unhealthy":
            let output = state.health.map { ProgramRunner.firstLine($0.lastOutput) } ?? ""
            return .failing("running, unhealthy" + (output.isEmpty ? "" : ": \(output)"))
        case let other: return .unknown("running, health '\(other)' not understood")
        }
    }

    /// The answer to `GET /containers/NAME/json`: 200 with the state, 404 for no such container; any
    /// other status is the API's trouble, not the container's (unknown), its `message` as the detail.
    public static func verdict(status: Int, body: [UInt8]) -> CheckRun {
        switch status {
        case 200:
            guard let state = ContainerState.parse(body) else {
                return .unknown("the API's answer has no container State")
            }
            return verdict(state)
        case 404: return .failing("no such container")
        default:
            let message = APIMessage.parse(body).map { ": \($0)" } ?? ""
            return .unknown("the container API answered HTTP \(status)" + message)
        }
    }
}
