import DowntimeProtocol

extension Event.Kind {
    /// True for the rows that shape outages and uptime. The one definition: the timeline cache, both stores'
    /// timeline query (`StoreSQL`) and PostgreSQL's change mark follow it, and a new kind must answer here.
    package var shapesTimeline: Bool {
        switch self {
        // A clean stop and the agent's start in the same boot make an agent gap of a down period (docs/DESIGN.md
        // "Agent gaps").
        case .flip, .outage, .collectorUnreachable, .collectorDown, .shutdown, .agentStarted: true
        // Maintenance reaches the timeline as windows (`MaintenanceSchedule`), not as rows.
        case .clockJump, .outboxDropped, .storage, .powerWarning, .check, .maintenanceStart, .maintenanceEnd,
            .jobStart, .jobEnd, .jobFlip, .ack:
            false
        }
    }

    /// The kinds that shape the timeline, in declaration order.
    package static let timelineShaping: [Event.Kind] = allCases.filter(\.shapesTimeline)
}
