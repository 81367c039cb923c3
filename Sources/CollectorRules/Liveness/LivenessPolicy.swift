import DowntimeProtocol
import Foundation

/// How many missed beats and how much slack the collector allows before calling a device late or down.
public struct LivenessPolicy: Sendable, Equatable {
    public var misses: Int
    public var grace: TimeInterval

    public init(misses: Int = 3, grace: TimeInterval = 5) {
        self.misses = misses
        self.grace = grace
    }
}
