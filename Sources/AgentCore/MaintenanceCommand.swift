import CurlClient
import DowntimeProtocol
import Glibc

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `downtime-agent maintenance`: the announcement as an event, left durably for the running agent (`OutboxDrop`)
/// and sent at once when the collector answers; otherwise the agent ships it (the collector stores it once, by id).
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

    /// What became of it.
    public enum Outcome: Equatable {
        case sent
        /// Left for the running agent, and why it was not sent now.
        case queued(why: String)
    }

    /// Writes the event, then tries the collector once.
    public func run() throws(ConfigError) -> (event: Event, outcome: Outcome) {
        let bootID: String
        do { bootID = try facts.bootID() } catch { throw ConfigError("cannot read the boot id: \(error)") }
        let now = facts.now()
        let payload: Event.Payload
        switch request {
        case .start(let announcement): payload = .maintenanceStart(announcement)
        case .end: payload = .maintenanceEnd(back: false)
        }
        let event = Event(device: config.device, at: now, bootID: bootID, payload: payload)
        let drop = OutboxDrop(stateDir: config.stateDir)
        do {
            try drop.put(event, bootID: bootID, uptime: facts.uptime(), owner: Self.owner(of: config.stateDir))
        } catch {
            throw ConfigError("cannot write to the agent's state folder \(config.stateDir): \(error)")
        }
        let token = config.token ?? Self.storedToken(config.stateDir)
        guard let token else { return (event, .queued(why: "no token here; the running agent sends it")) }
        let outcome = send(event, token: token)
        if outcome == .sent { drop.remove(event.id) }
        return (event, outcome)
    }

    private func send(_ event: Event, token: String) -> Outcome {
        let body: [UInt8]
        do { body = try WireCoding.encode(EventBatch(events: [event])) } catch { return .queued(why: "\(error)") }
        do {
            let response = try transport.post(
                WireProtocol.apiPrefix + "/events", body: body, bearer: token, timeout: nil)
            guard (200..<300).contains(response.status) else {
                return .queued(why: "collector answered HTTP \(response.status) \(CollectorLink.errorText(response))")
            }
            return .sent
        } catch {
            return .queued(why: error.message)
        }
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

    /// The token the agent stored (an enrolled one), if readable.
    static func storedToken(_ stateDir: String) -> String? {
        guard let bytes = try? FileIO.read(stateDir + "/" + CollectorLink.tokenFile) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self).trimmedWhitespace
        return text.isEmpty ? nil : text
    }

    /// The state folder's owner, when it is not us (root announcing for an agent run as its own user).
    static func owner(of path: String) -> (uid: uid_t, gid: gid_t)? {
        var st = stat()
        guard stat(path, &st) == 0, st.st_uid != geteuid() else { return nil }
        return (st.st_uid, st.st_gid)
    }
}
