import CurlClient
import DowntimeProtocol
import Glibc

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What another process of the device reports for the agent (`downtime-agent maintenance`, `downtime-agent job`):
/// each event written durably for the running agent (`OutboxDrop`), then sent at once when the collector answers;
/// otherwise the agent ships it (the collector stores it once, by id).
public struct DropSender {
    let config: AgentConfig
    let facts: any BootFacts
    let transport: any Transport

    /// What became of an event.
    public enum Outcome: Equatable, Sendable {
        case sent
        /// Left for the running agent, and why it was not sent now.
        case queued(why: String)
    }

    /// An event of this device, now, in this boot.
    func event(_ payload: Event.Payload) throws(ConfigError) -> (event: Event, bootID: String) {
        let bootID: String
        do { bootID = try facts.bootID() } catch { throw ConfigError("cannot read the boot id: \(error)") }
        return (Event(device: config.device, at: facts.now(), bootID: bootID, payload: payload), bootID)
    }

    /// Writes the event where the running agent takes it.
    func put(_ event: Event, bootID: String) throws(ConfigError) {
        do {
            try OutboxDrop(stateDir: config.stateDir).put(
                event, bootID: bootID, uptime: facts.uptime(), owner: Self.owner(of: config.stateDir))
        } catch {
            throw ConfigError("cannot write to the agent's state folder \(config.stateDir): \(error)")
        }
    }

    /// Tries the collector once with `events`, in order; once it took them, their files are not needed.
    func send(_ events: [Event]) -> Outcome {
        guard let token = config.token ?? Self.storedToken(config.stateDir) else {
            return .queued(why: "no token here; the running agent sends it")
        }
        let outcome = post(events, token: token)
        if outcome == .sent {
            let drop = OutboxDrop(stateDir: config.stateDir)
            for event in events { drop.remove(event.id) }
        }
        return outcome
    }

    private func post(_ events: [Event], token: String) -> Outcome {
        let body: [UInt8]
        do { body = try WireCoding.encode(EventBatch(events: events)) } catch { return .queued(why: "\(error)") }
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

    /// The token the agent stored (an enrolled one), if readable.
    static func storedToken(_ stateDir: String) -> String? {
        guard let bytes = try? FileIO.read(stateDir + "/" + CollectorLink.tokenFile) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self).trimmedWhitespace
        return text.isEmpty ? nil : text
    }

    /// The state folder's owner, when it is not us (root reporting for an agent run as its own user).
    static func owner(of path: String) -> (uid: uid_t, gid: gid_t)? {
        var st = stat()
        guard stat(path, &st) == 0, st.st_uid != geteuid() else { return nil }
        return (st.st_uid, st.st_gid)
    }
}
