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

    /// The clean stop a down period starting at `start` began with: the agent's last beat came at most an interval
    /// before its `shutdown`, and both times are as precise as the interval plus grace (`slack`).
    public static func opening(_ start: Date, in stops: [CleanStop], slack: TimeInterval) -> CleanStop? {
        stops.last { abs($0.at.timeIntervalSince(start)) <= slack }
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
