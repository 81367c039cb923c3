import DowntimeProtocol
import Foundation

/// A period the collector saw a device down: from the last beat to the first beat back (nil while ongoing).
public struct DownPeriod: Sendable, Equatable {
    public var start: Date
    public var end: Date?
    public init(start: Date, end: Date?) {
        self.start = start
        self.end = end
    }
}
