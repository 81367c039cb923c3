import DowntimeProtocol
import Foundation

/// What a device's log says about its outages, split into the pieces merging and uptime need.
public struct DeviceTimeline: Sendable, Equatable {
    public var down: [DownPeriod] = []
    public var reported: [ReportedOutage] = []
    public var unreachable: [DateInterval] = []
    /// Time nothing could be known: the collector away, the device paused or unreachable behind its parent.
    public var unknown: [DateInterval] = []
    /// The spans the device was `unreachable` behind a parent that was down (also in `unknown`).
    public var behindParent: [DateInterval] = []
    /// The first heartbeat ever (the flip out of `new`); nothing is known before it.
    public var firstSeen: Date?
    /// The agent's clean stops (`shutdown`), each with its restart in the same boot, if any.
    public var cleanStops: [CleanStop] = []
    /// The collector's own absences (`collector_down`; also in `unknown`).
    public var collectorAway: [DateInterval] = []

    /// Reads the timeline from log rows (any order); open periods end at `now` where a closed interval is needed.
    /// Flips are paired in the order they were recorded (`seq`; rows not stored yet last, in arrival order), not
    /// by their times: a flip dated on a stepped clock must not pair a down with the wrong up (docs/DESIGN.md "The
    /// collector's own clock").
    public init(rows: [StoredEvent], now: Date) {
        var downStart: Date?
        var pausedStart: Date?
        var unreachableStart: Date?
        var shutdowns: [(at: Date, bootID: String?)] = []
        var starts: [(at: Date, bootID: String?)] = []
        let ordered = rows.enumerated().sorted { ($0.element.seq, $0.offset) < ($1.element.seq, $1.offset) }
        for row in ordered.map(\.element) {
            let event = row.event
            switch event.payload {
            case .flip(let flip):
                if flip.from == .new, firstSeen == nil { firstSeen = event.at }
                if flip.to == .down, downStart == nil { downStart = event.at }
                if flip.from == .down, let start = downStart {
                    down.append(DownPeriod(start: start, end: max(start, event.at)))
                    downStart = nil
                }
                if flip.to == .unreachable, unreachableStart == nil { unreachableStart = event.at }
                if flip.from == .unreachable, let start = unreachableStart {
                    behindParent.append(DateInterval(start: start, end: max(start, event.at)))
                    unreachableStart = nil
                }
                if flip.to == .paused, pausedStart == nil { pausedStart = event.at }
                if flip.from == .paused, let start = pausedStart {
                    unknown.append(DateInterval(start: start, end: max(start, event.at)))
                    pausedStart = nil
                }
            case .outage(let outage):
                if let end = outage.end ?? outage.uptimeS.map({ row.receivedAt - $0 }) {
                    reported.append(ReportedOutage(cause: outage.cause, start: outage.start, end: end))
                }
            case .collectorUnreachable(let start, let end):
                unreachable.append(DateInterval(start: start, end: max(start, end)))
            case .collectorDown(let start, let end):
                collectorAway.append(DateInterval(start: start, end: max(start, end)))
                unknown.append(DateInterval(start: start, end: max(start, end)))
            // Named, not `default`: a new kind must say here whether it shapes the timeline.
            case .shutdown:
                shutdowns.append((event.at, event.bootID))
            case .agentStarted:
                starts.append((event.at, event.bootID))
            case .clockJump, .outboxDropped, .storage, .powerWarning, .check, .maintenanceStart, .maintenanceEnd,
                .jobStart, .jobEnd, .jobFlip, .ack:
                break
            }
        }
        if let start = downStart { down.append(DownPeriod(start: start, end: nil)) }
        if let start = pausedStart { unknown.append(DateInterval(start: start, end: max(start, now))) }
        if let start = unreachableStart { behindParent.append(DateInterval(start: start, end: max(start, now))) }
        // Behind a parent that was down, the device's silence is neither up nor down.
        unknown += behindParent
        cleanStops = CleanStop.pairs(shutdowns: shutdowns, starts: starts)
    }

    /// The merged outages of this timeline.
    public func outages(slack: TimeInterval, now: Date) -> [OutageView] {
        OutageMerger.merge(
            down: down, reported: reported, unreachable: unreachable, cleanStops: cleanStops,
            collectorAway: collectorAway, slack: slack, now: now)
    }
}
