#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A service check's state change as the collector records it in the device's log (kind `check`).
public struct CheckFlipRecord: Sendable, Hashable {
    /// The check's name on the device.
    public var name: String
    /// Nil the first time the collector learns of the check.
    public var from: CheckState?
    public var to: CheckState
    /// The run's words that came with the change ("HTTP 502"); may be empty.
    public var detail: String

    public init(name: String, from: CheckState?, to: CheckState, detail: String) {
        self.name = name
        self.from = from
        self.to = to
        self.detail = detail
    }
}
