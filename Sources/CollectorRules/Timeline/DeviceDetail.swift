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
    /// The agent's clean stop the current down period began with: the agent or the whole device was shut down, and
    /// only its return tells which (docs/DESIGN.md "Agent gaps").
    public var cleanStop: CleanStop?
    /// Maintenance windows that applied to it (also in `unknown`), for the drawing.
    public var maintenance: [DateInterval] = []
    /// The spans it was unreachable behind a parent that was down (also in `unknown`).
    public var behindParent: [DateInterval] = []

    public init(
        view: DeviceView, outages: [OutageView], unknown: [DateInterval], firstSeen: Date?, days: [Availability.Day],
        cleanStop: CleanStop? = nil
    ) {
        self.cleanStop = cleanStop
        self.view = view
        self.outages = outages
        self.unknown = unknown
        self.firstSeen = firstSeen
        self.days = days
    }
}
