import DowntimeProtocol

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A check's reported state: what the damped runs say, since when, and the newest run's detail.
public struct CheckStatus: Sendable, Equatable {
    public var name: String
    public var state: CheckState
    public var detail: String
    /// When `state` began (the device's wall clock).
    public var since: Date
    /// False for a check set `notify=no`: carried to the collector with the full results.
    public var notify: Bool

    public init(name: String, state: CheckState, detail: String, since: Date, notify: Bool = true) {
        self.name = name
        self.state = state
        self.detail = detail
        self.since = since
        self.notify = notify
    }
}
