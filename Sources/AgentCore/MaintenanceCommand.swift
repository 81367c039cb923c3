import DowntimeProtocol

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `downtime-agent maintenance`: the announcement as an event, reported through `DropSender`.
public struct MaintenanceCommand {
    let config: AgentConfig
    let request: MaintenanceRequest
    let facts: any BootFacts
    let transport: any Transport

    public init(config: AgentConfig, request: MaintenanceRequest, facts: any BootFacts, transport: any Transport) {
        self.config = config
        self.request = request
        self.facts = facts
        self.transport = transport
    }

    public typealias Outcome = DropSender.Outcome

    /// Writes the event, then tries the collector once.
    public func run() throws(ConfigError) -> (event: Event, outcome: Outcome) {
        let payload: Event.Payload
        switch request {
        case .start(let announcement): payload = .maintenanceStart(announcement)
        case .end: payload = .maintenanceEnd(back: false)
        }
        let sender = DropSender(config: config, facts: facts, transport: transport)
        let (event, bootID) = try sender.event(payload)
        try sender.put(event, bootID: bootID)
        return (event, sender.send([event]))
    }

    /// One line saying what was announced, times in UTC as on the wire.
    public static func describe(_ event: Event) -> String {
        switch event.payload {
        case .maintenanceStart(let m):
            let end = WireTime.format(m.end, offsetSeconds: 0, millis: false)
            return "maintenance from \(WireTime.format(m.start, offsetSeconds: 0, millis: false)) "
                + (m.untilBack ? "until back after a reboot (at the latest \(end))" : "to \(end)")
                + (m.reason.isEmpty ? "" : " (\(m.reason))")
        default:
            return "maintenance ended"
        }
    }
}
