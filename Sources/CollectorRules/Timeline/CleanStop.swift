import DowntimeProtocol
import Foundation

/// An agent's `shutdown` event (a clean stop, SIGTERM) and, when the agent started again in the same boot, when.
public struct CleanStop: Sendable, Equatable {
    /// When the agent said it stopped (its own clock).
    public var at: Date
    /// The boot it stopped in.
    public var bootID: String?
    /// The first `agent_started` of the same boot after it; nil while the agent is still stopped, or when the device
    /// booted anew (then the agent reports a `clean_reboot`, which is what the device did).
    public var restartedAt: Date?

    public init(at: Date, bootID: String?, restartedAt: Date?) {
        self.at = at
        self.bootID = bootID
        self.restartedAt = restartedAt
    }

    /// What a silence that began with this stop may be, and what will tell (the page and the messages say it).
    package var explanation: String {
        "Its agent stopped cleanly at \(LogFormat.isoOffset(at)): the agent or the whole device was shut down. "
            + "If the agent comes back in the same boot, this was an agent gap, not downtime."
    }

    /// The clean stop a down period from `start` to `end` began with: a `shutdown` inside the period (from `slack`
    /// before its start) with no more than `slack` of silence before it that `explained` does not cover. The agent's
    /// last beat comes at most an interval before its `shutdown`, and both times are as precise as the interval plus
    /// grace (`slack`); but when the collector was away, or the agent could not reach it, the last beat the collector
    /// holds can be older (acknowledged beats die with a killed collector: campaign seed 307), and that silence is
    /// the collector's or the network's, not the device's. A stop whose agent started again before the period's
    /// start is over: the agent was running at that last beat (campaign seed 337: a stop and restart just before a
    /// network cut made the cut an agent gap).
    public static func opening(
        _ start: Date, end: Date, in stops: [CleanStop], explained: [DateInterval], slack: TimeInterval
    ) -> CleanStop? {
        stops.last { stop in
            guard stop.at >= start - slack, stop.at <= end, (stop.restartedAt ?? .distantFuture) > start else {
                return false
            }
            let silence = stop.at.timeIntervalSince(start)
            return silence <= slack
                || silence - OutageMerger.covered(start, stop.at, by: explained) <= slack
        }
    }

    /// Pairs each `shutdown` with the first `agent_started` after it, kept when both are of one boot.
    package static func pairs(shutdowns: [(at: Date, bootID: String?)], starts: [(at: Date, bootID: String?)])
        -> [CleanStop]
    {
        shutdowns.map { stop in
            let next = starts.filter { $0.at >= stop.at }.min { $0.at < $1.at }
            let same = next.flatMap { n in stop.bootID.map { $0 == n.bootID } } ?? false
            return CleanStop(at: stop.at, bootID: stop.bootID, restartedAt: same ? next?.at : nil)
        }
    }
}
