import DowntimeProtocol

extension Event.Kind {
    /// True for the rows that shape outages and uptime. The one definition: the timeline cache, both stores'
    /// timeline query (`StoreSQL`) and PostgreSQL's change mark follow it, and a new kind must answer here.
    var shapesTimeline: Bool {
        switch self {
        case .flip, .outage, .collectorUnreachable, .collectorDown: true
        case .agentStarted, .clockJump, .shutdown, .outboxDropped, .storage, .powerWarning: false
        }
    }

    /// The kinds that shape the timeline, in declaration order.
    static let timelineShaping: [Event.Kind] = allCases.filter(\.shapesTimeline)
}
