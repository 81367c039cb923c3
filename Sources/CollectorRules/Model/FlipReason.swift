import DowntimeProtocol

/// Why the collector recorded a flip: a closed set, written out once (`text`) into the flip's stored reason.
public enum FlipReason: Sendable, Equatable {
    case firstHeartbeat
    case heartbeatReceived
    /// A `/ping/{token}/fail`.
    case reportedFailure
    /// Silent past its deadline; `rule` is the deadline in words ("3 × 60 s + 10 s grace").
    case silent(seconds: Int, rule: String)
    /// Silent while the device it depends on is down or unreachable: unreachable, not down.
    case silentBehindParent(seconds: Int, parent: String, parentStatus: DeviceStatus)
    /// Still silent a full deadline after the device it depends on came back.
    case silentSinceParentBack(seconds: Int, parent: String, rule: String)
    case pausedByAdmin
    case resumedByAdmin

    /// The reason as the log, the API and the messages say it.
    public var text: String {
        switch self {
        case .firstHeartbeat: "first heartbeat"
        case .heartbeatReceived: "heartbeat received"
        case .reportedFailure: "the device reported a failure"
        case .silent(let s, let rule): "no heartbeat for \(s) s (\(rule))"
        case .silentBehindParent(let s, let parent, let status):
            "no heartbeat for \(s) s while \(parent) is \(status.rawValue)"
        case .silentSinceParentBack(let s, let parent, let rule):
            "no heartbeat for \(s) s since \(parent) came back (\(rule))"
        case .pausedByAdmin: "paused by admin"
        case .resumedByAdmin: "resumed by admin"
        }
    }

    /// An up flip's reason: the device's first beat, or a beat after an outage.
    public static func heartbeat(from status: DeviceStatus) -> FlipReason {
        status == .new ? .firstHeartbeat : .heartbeatReceived
    }
}
