import DowntimeProtocol
import Foundation

/// What a device's log says about its outages, split into the pieces merging and uptime need.
public struct DeviceTimeline: Sendable, Equatable {
    public var down: [DownPeriod] = []
    public var reported: [ReportedOutage] = []
    public var unreachable: [DateInterval] = []
    /// Time nothing could be known: the collector away, or the device paused.
    public var unknown: [DateInterval] = []
    /// The first heartbeat ever (the flip out of `new`); nothing is known before it.
    public var firstSeen: Date?

    /// Reads the timeline from log rows (any order); open periods end at `now` where a closed interval is needed.
    public init(rows: [StoredEvent], now: Date) {
        var downStart: Date?
        var pausedStart: Date?
        for row in rows.sorted(by: { ($0.event.at, $0.seq) < ($1.event.at, $1.seq) }) {
            let e = row.event
            switch e.payload {
            case .flip(let f):
                if f.from == .new, firstSeen == nil { firstSeen = e.at }
                if f.to == .down, downStart == nil { downStart = e.at }
                if f.from == .down, let s = downStart {
                    down.append(DownPeriod(start: s, end: e.at))
                    downStart = nil
                }
                if f.to == .paused, pausedStart == nil { pausedStart = e.at }
                if f.from == .paused, let s = pausedStart {
                    unknown.append(DateInterval(start: s, end: max(s, e.at)))
                    pausedStart = nil
                }
            case .outage(let o):
                if let end = o.end ?? o.uptimeS.map({ row.receivedAt - $0 }) {
                    reported.append(ReportedOutage(cause: o.cause, start: o.start, end: end))
                }
            case .collectorUnreachable(let s, let end):
                unreachable.append(DateInterval(start: s, end: max(s, end)))
            case .collectorDown(let s, let end):
                unknown.append(DateInterval(start: s, end: max(s, end)))
            default:
                break
            }
        }
        if let s = downStart { down.append(DownPeriod(start: s, end: nil)) }
        if let s = pausedStart { unknown.append(DateInterval(start: s, end: max(s, now))) }
    }

    /// The merged outages of this timeline.
    public func outages(slack: TimeInterval, now: Date) -> [OutageView] {
        OutageMerger.merge(down: down, reported: reported, unreachable: unreachable, slack: slack, now: now)
    }
}
