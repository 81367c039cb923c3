import Foundation

/// The transition rule: what changed between two polls of one UPS and which events that makes.
/// Pure: the caller feeds each poll's outcome and the time.
public struct UPSTracker: Sendable {
    public let ups: String
    /// The newest reading; kept while the UPS is unreadable so that what changed meanwhile is seen after.
    public private(set) var last: UPSReading?
    /// nil before the first poll.
    public private(set) var readable: Bool?
    /// Latched from OB to OL: a UPS passing through OFF or BYPASS is still out of mains until it says OL.
    public private(set) var onBattery = false

    public init(ups: String) { self.ups = ups }

    /// A tracker that goes on from the UPS's stored events (newest first), as if it had seen them: a restart or a
    /// new leader does not tell again what is stored (a UPS still on battery is no second mains out). Without
    /// history it is a fresh tracker.
    public init(ups: String, resuming history: [StoredUPSEvent]) {
        self.ups = ups
        guard !history.isEmpty else { return }
        let mains = history.first { $0.kind == .mainsOut || $0.kind == .mainsBack }
        onBattery = mains?.kind == .mainsOut
        let comms = history.first { $0.kind == .commsLost || $0.kind == .commsBack }
        readable = comms?.kind != .commsLost
        last = history.lazy.compactMap(\.event.reading).first
    }

    /// One poll's outcome: a reading, or why there is none.
    public enum Outcome: Sendable, Equatable {
        case reading(UPSReading)
        case unreadable(String)
    }

    /// The events `outcome` makes, in order. The first poll reports only what is abnormal (on battery,
    /// low battery, replace battery, unreadable): a collector start is no mains-back.
    public mutating func observe(_ outcome: Outcome, at: Date) -> [UPSEvent] {
        var out: [UPSEvent] = []
        switch outcome {
        case .unreadable(let reason):
            if readable != false { out.append(UPSEvent(ups: ups, kind: .commsLost, at: at, reason: reason)) }
            readable = false
        case .reading(let reading):
            if readable == false { out.append(UPSEvent(ups: ups, kind: .commsBack, at: at, reading: reading)) }
            readable = true
            let before = last?.status
            func event(_ k: UPSEvent.Kind) { out.append(UPSEvent(ups: ups, kind: k, at: at, reading: reading)) }
            if reading.status.onBattery && !onBattery {
                onBattery = true
                event(.mainsOut)
            }
            if reading.status.lowBattery && before?.lowBattery != true { event(.lowBattery) }
            if reading.status.online && onBattery {
                onBattery = false
                event(.mainsBack)
            }
            if reading.status.replaceBattery && before?.replaceBattery != true { event(.replaceBattery) }
            last = reading
        }
        return out
    }
}
