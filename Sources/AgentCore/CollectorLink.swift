import CurlClient
import DowntimeProtocol

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The agent's side of the wire: the device token (given, stored, or enrolled for with its own backoff),
/// the heartbeat, and the POSTs that carry events; TLS refusals and refused beats are logged once each.
public final class CollectorLink {
    static let tokenFile = "token"
    let transport: any Transport
    /// Keeps an enrolled token, and gives the beat its storage warning.
    let folder: StateFolder
    let log: Log
    let enrollmentKey: String?
    public private(set) var token: String?
    /// An enrolled token that is only in memory (the folder could not take it).
    private var tokenUnsaved = false
    private var enrollBackoff: Backoff
    public private(set) var seq: UInt64 = 0
    /// Monotonic time of the last heartbeat the collector answered (whatever it said).
    private(set) var lastBeat = -Double.infinity
    private var heartbeatProblem: String?
    /// The TLS refusal last logged: each new reason is one error line, repeats are not.
    public private(set) var tlsProblem: TLSFailure?
    /// Heartbeat fields an older collector refused ("storage", "health", "checks"): beats go without them.
    private(set) var refusedFields: Set<String> = []

    /// The token is the given one, else the one stored in the folder; without either, an enrollment key.
    init(
        token: String?, enrollmentKey: String?, transport: any Transport, folder: StateFolder, log: Log,
        random: @escaping () -> Double
    ) throws(ConfigError) {
        self.transport = transport
        self.folder = folder
        self.log = log
        self.enrollmentKey = enrollmentKey
        enrollBackoff = Backoff(random: random)
        self.token = token ?? folder.readLine(Self.tokenFile).flatMap { $0.isEmpty ? nil : $0 }
        if self.token == nil, enrollmentKey == nil {
            throw ConfigError("no token: set DOWNTIME_TOKEN (or --token), or DOWNTIME_ENROLLMENT_KEY to enroll")
        }
    }

    // MARK: - Heartbeat

    /// What became of a heartbeat.
    enum BeatOutcome: Equatable {
        /// No token yet, or a wall clock the collector would refuse.
        case notSent
        /// No answer: the collector is unreachable.
        case unanswered(why: String)
        /// An answer that refuses it (logged once).
        case refused
        /// Taken; `interval` is a new heartbeat interval the collector asks for.
        case accepted(interval: Int?)
    }

    /// Sends this tick's heartbeat, with the folder's storage warning and the power reading.
    func heartbeat(_ now: BootSnapshot, interval: Double, health: DeviceHealth?, checks: CheckDigest? = nil)
        -> BeatOutcome
    {
        guard let token, WireTime.validRange.contains(now.now) else { return .notSent }
        seq += 1
        var beat = Heartbeat(
            device: folder.device, seq: seq, bootID: now.bootID, uptimeS: GapDetector.rounded(now.uptime),
            sentAt: now.now, clockSynced: now.clockSynced, intervalS: Int(interval),
            agentVersion: AgentCoreVersion.version)
        if !refusedFields.contains("storage") {
            beat.storage = folder.storage.warning(
                unsavedEvents: folder.outbox.unsavedCount, wall: now.now, monotonic: now.monotonic)
        }
        if !refusedFields.contains("health") { beat.health = health }
        if !refusedFields.contains("checks") { beat.checks = checks }
        let response: CurlResponse
        do {
            response = try post(&beat, token: token)
        } catch let error as CurlError {
            noteTLS(error)
            return .unanswered(why: error.message)
        } catch {
            return .notSent // encoding a heartbeat cannot fail
        }
        lastBeat = now.monotonic
        noteTLS(nil)
        guard response.isSuccess else {
            problem("heartbeat refused: HTTP \(response.status) \(Self.errorText(response))")
            return .refused
        }
        problem(nil)
        return .accepted(interval: Self.askedInterval(response, current: interval))
    }

    /// POSTs the beat. An older collector refuses a field it does not know: the beat matters more than the
    /// extra (a storage problem is still told by its `storage` event). Once per field, then beats go without it.
    private func post(_ beat: inout Heartbeat, token: String) throws -> CurlResponse {
        let path = WireProtocol.apiPrefix + "/heartbeat"
        var response = try transport.post(path, body: try WireCoding.encode(beat), bearer: token, timeout: nil)
        for _ in 0..<2 where response.status == 400 {
            guard dropRefusedField(of: &beat, response) else { break }
            response = try transport.post(path, body: try WireCoding.encode(beat), bearer: token, timeout: nil)
        }
        return response
    }

    /// Takes the field a 400 names out of the beat; false when it names none the beat can go without.
    private func dropRefusedField(of beat: inout Heartbeat, _ response: CurlResponse) -> Bool {
        let field = Self.errorField(response) ?? ""
        if beat.storage != nil, field == "storage" || field.hasPrefix("storage.") {
            log.warning("collector does not know the heartbeat's storage field; sending beats without it")
            refusedFields.insert("storage")
            beat.storage = nil
        } else if beat.health != nil, field == "health" || field.hasPrefix("health.") {
            log.warning(
                "collector refuses the heartbeat's health field (\(Self.errorText(response))); "
                    + "sending beats without it")
            refusedFields.insert("health")
            beat.health = nil
        } else if beat.checks != nil, field == "checks" || field.hasPrefix("checks.") {
            log.warning(
                "collector refuses the heartbeat's checks field (\(Self.errorText(response))); "
                    + "sending beats without it")
            refusedFields.insert("checks")
            beat.checks = nil
        } else {
            return false
        }
        return true
    }

    /// The interval a heartbeat's answer asks for, when it is valid and not `current`.
    static func askedInterval(_ response: CurlResponse, current: Double) -> Int? {
        guard let reply = try? WireCoding.decode(HeartbeatReply.self, from: response.body),
            (1...86_400).contains(reply.intervalS), Double(reply.intervalS) != current
        else { return nil }
        return reply.intervalS
    }

    /// Logs a heartbeat problem once when it appears and once when it goes away.
    private func problem(_ text: String?) {
        guard text != heartbeatProblem else { return }
        if let text { log.error(text) } else if heartbeatProblem != nil { log.info("heartbeats accepted again") }
        heartbeatProblem = text
    }

    // MARK: - Events

    /// POSTs a batch of events with the token.
    func postEvents(_ body: [UInt8], timeout: Double?) throws(CurlError) -> CurlResponse {
        let response: CurlResponse
        do {
            response = try transport.post(
                WireProtocol.apiPrefix + "/events", body: body, bearer: token, timeout: timeout)
        } catch {
            noteTLS(error)
            throw error
        }
        noteTLS(nil)
        return response
    }

    /// Logs why TLS refused the collector, once per reason; events wait in the outbox meanwhile.
    private func noteTLS(_ error: CurlError?) {
        let failure = error?.tls
        guard failure != tlsProblem else { return }
        if failure != nil, let error {
            // The message names the reason (TLSFailure.sentence) and libcurl's own words.
            log.error("TLS refused the collector (heartbeats fail, events wait in the outbox): \(error.message)")
        } else if tlsProblem != nil {
            log.notice("TLS to the collector works again")
        }
        tlsProblem = failure
    }

    // MARK: - Enrollment

    /// Asks the collector for a token with the enrollment key, backing off while it fails or refuses.
    func enroll(_ now: BootSnapshot) {
        guard let key = enrollmentKey, enrollBackoff.ready(at: now.monotonic) else { return }
        let response: CurlResponse
        do {
            response = try transport.post(
                WireProtocol.apiPrefix + "/enroll",
                body: try WireCoding.encode(EnrollRequest(device: folder.device, enrollmentKey: key)),
                bearer: nil, timeout: nil)
        } catch {
            noteTLS(error as? CurlError)
            let delay = enrollBackoff.failed(at: now.monotonic)
            log.warning("enrollment failed (\(error)); retrying in \(Int(delay)) s")
            return
        }
        guard response.isSuccess, let reply = try? WireCoding.decode(EnrollReply.self, from: response.body),
            !reply.token.isEmpty
        else {
            let delay = enrollBackoff.failed(at: now.monotonic)
            log.error(
                "enrollment refused: HTTP \(response.status) \(Self.errorText(response)); retrying in \(Int(delay)) s")
            return
        }
        keep(reply.token, now)
    }

    /// Stores an enrolled token in the folder, or in memory until the folder takes it.
    private func keep(_ enrolled: String, _ now: BootSnapshot) {
        if folder.isHealthy {
            do {
                try folder.writeLine(enrolled, to: Self.tokenFile)
            } catch {
                tokenUnsaved = true
                folder.failed(error, now)
            }
        } else {
            tokenUnsaved = true
        }
        if tokenUnsaved { log.error("enrolled, but the token is in memory only until the state folder is writable") }
        token = enrolled
        enrollBackoff.succeeded()
        log.notice("enrolled as \(folder.device); token stored in \(folder.file(Self.tokenFile))")
    }

    /// Writes a token held in memory, for the retry of a failing folder.
    func saveToken() throws(FileError) {
        guard tokenUnsaved, let token else { return }
        try folder.writeLine(token, to: Self.tokenFile)
        tokenUnsaved = false
    }

    // MARK: - Error bodies

    static func errorField(_ response: CurlResponse) -> String? {
        (try? WireCoding.decode(ErrorBody.self, from: response.body))?.field
    }

    static func errorText(_ response: CurlResponse) -> String {
        if let body = try? WireCoding.decode(ErrorBody.self, from: response.body) {
            return body.field.map { "(\(body.error), field \($0))" } ?? "(\(body.error))"
        }
        return ""
    }
}
