import DowntimeProtocol
import Foundation

/// An event as stored, with the collector's receipt time and its place in the log.
public struct StoredEvent: Sendable, Equatable {
    public var event: Event
    public var receivedAt: Date
    public var seq: Int64
    public init(event: Event, receivedAt: Date, seq: Int64) {
        self.event = event
        self.receivedAt = receivedAt
        self.seq = seq
    }
}
