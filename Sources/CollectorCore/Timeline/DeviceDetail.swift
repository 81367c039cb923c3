import DowntimeProtocol
import Foundation

/// A device with everything the pages show: its view, its merged outages, unknown time and daily bars.
public struct DeviceDetail: Sendable {
    public var view: DeviceView
    public var outages: [OutageView]
    public var unknown: [DateInterval]
    /// The first heartbeat ever; nothing is known before it.
    public var firstSeen: Date?
    /// The last 30 UTC days, oldest first.
    public var days: [Availability.Day]

    public init(
        view: DeviceView, outages: [OutageView], unknown: [DateInterval], firstSeen: Date?, days: [Availability.Day]
    ) {
        self.view = view
        self.outages = outages
        self.unknown = unknown
        self.firstSeen = firstSeen
        self.days = days
    }
}
