import CurlClient
import DowntimeProtocol

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Ships the outbox: batches dated by `OutboxDating`, POSTed through the link, removed once acknowledged;
/// retries back off (DESIGN: Outbox). An event the collector can never take is found and dropped alone.
public final class EventShipper {
    let folder: StateFolder
    let link: CollectorLink
    /// Told when an events POST got no answer.
    let reachability: Reachability
    /// Dates a failure to delete sent events.
    let facts: any BootFacts
    let log: Log
    public private(set) var backoff: Backoff
    /// Events the collector refused one by one with a 400: they can never succeed and were dropped.
    public private(set) var refusedEvents = 0

    init(
        folder: StateFolder, link: CollectorLink, reachability: Reachability, facts: any BootFacts, log: Log,
        random: @escaping () -> Double
    ) {
        self.folder = folder
        self.link = link
        self.reachability = reachability
        self.facts = facts
        self.log = log
        backoff = Backoff(random: random)
    }

    /// The collector is back: what waited goes without waiting for the backoff.
    func collectorReturned() {
        backoff.succeeded()
    }

    /// Sends the outbox in batches until it is empty or the collector stops taking events; a `timeout`
    /// (at shutdown) sends one round only.
    @discardableResult
    public func flush(_ now: BootSnapshot, timeout: Double?) -> Bool {
        while true {
            let batch = OutboxDating.nextBatch(folder.outbox.entries, now: now)
            if batch.isEmpty { return folder.outbox.isEmpty }
            guard ship(batch, now, timeout: timeout) else { return false }
            if timeout != nil { return folder.outbox.isEmpty }
        }
    }

    /// One batch; false when the rest must wait for the backoff.
    private func ship(_ batch: [Outbox.Entry], _ now: BootSnapshot, timeout: Double?) -> Bool {
        switch send(batch, timeout: timeout) {
        case .accepted(let seqs):
            remove(seqs, now)
            if seqs.count < batch.count {
                // Some were not acknowledged: try them later rather than spin.
                failed(now, "collector acknowledged \(seqs.count) of \(batch.count) events")
                return false
            }
            return true
        case .refused:
            // One bad event must not block the rest: find it by sending them one by one.
            return shipOneByOne(batch, now, timeout: timeout)
        case .failed(let why, let unanswered):
            failed(now, why, unanswered: unanswered)
            return false
        }
    }

    private func shipOneByOne(_ batch: [Outbox.Entry], _ now: BootSnapshot, timeout: Double?) -> Bool {
        for entry in batch {
            switch send([entry], timeout: timeout) {
            case .accepted(let seqs):
                remove(seqs, now)
            case .refused(let status, let why):
                refused(entry, status: status, why: why, now, timeout: timeout)
            case .failed(let why, let unanswered):
                failed(now, why, unanswered: unanswered)
                return false
            }
        }
        return true
    }

    /// An event refused alone: an older collector that does not know the outage's power evidence gets the
    /// outage without it (the outage matters more); anything else can never succeed and is dropped.
    private func refused(_ entry: Outbox.Entry, status: Int, why: String, _ now: BootSnapshot, timeout: Double?) {
        if let plain = Self.withoutPowerEvidence(entry), case .accepted(let seqs) = send([plain], timeout: timeout) {
            log.warning("collector refused the outage's power evidence \(why); sent the outage without it")
            remove(seqs, now)
            return
        }
        refusedEvents += 1
        log.error(
            "collector refused \(entry.event.kind.rawValue) event \(entry.event.id.wireString) with HTTP \(status) "
                + "\(why): dropping it (a retry cannot succeed); \(refusedEvents) dropped so far")
        remove([entry.seq], now)
    }

    /// Backs off. An events POST that got no answer means the collector is unreachable, unless it answered
    /// this tick's heartbeat (then it is there and only slow to store: a busy database is no network outage).
    private func failed(_ now: BootSnapshot, _ why: String, unanswered: Bool = false) {
        if unanswered, link.lastBeat != now.monotonic { reachability.lost(now, why) }
        let delay = backoff.failed(at: now.monotonic)
        let text = "events not sent (\(why)); \(folder.outbox.count) waiting, retry in \(Int(delay.rounded())) s"
        if backoff.failures == 1 { log.warning(text) } else { log.debug(text) }
    }

    private func remove(_ seqs: Set<UInt64>, _ now: BootSnapshot) {
        do {
            try folder.outbox.remove(seqs: seqs)
        } catch {
            // Gone from memory; their files go once the folder is writable (resent at most once, stored once).
            folder.failed(error, facts.snapshot(bootID: now.bootID))
        }
    }

    enum SendResult {
        case accepted(Set<UInt64>)
        case refused(status: Int, why: String)
        case failed(why: String, unanswered: Bool)
    }

    private func send(_ batch: [Outbox.Entry], timeout: Double?) -> SendResult {
        folder.outbox.markAttempted(batch.map(\.seq))
        let body: [UInt8]
        do {
            body = try WireCoding.encode(EventBatch(events: batch.map(\.event)))
        } catch {
            return .refused(status: 0, why: "cannot encode: \(error)")
        }
        let response: CurlResponse
        do {
            response = try link.postEvents(body, timeout: timeout)
        } catch {
            return .failed(why: error.message, unanswered: true)
        }
        switch response.status {
        case 200..<300:
            guard let reply = try? WireCoding.decode(EventBatchReply.self, from: response.body) else {
                // A 2xx means stored; an unreadable answer does not undo that.
                log.warning("collector answered events with HTTP \(response.status) and an unreadable body")
                return .accepted(Set(batch.map(\.seq)))
            }
            let ids = Set(reply.accepted)
            return .accepted(Set(batch.filter { ids.contains($0.event.id) }.map(\.seq)))
        case 400, 413, 422:
            return .refused(status: response.status, why: CollectorLink.errorText(response))
        default:
            // It answered, so it is reachable; the events wait for a better moment.
            return .failed(why: "HTTP \(response.status) \(CollectorLink.errorText(response))", unanswered: false)
        }
    }

    /// The entry without its outage's power evidence; nil when it has none.
    static func withoutPowerEvidence(_ entry: Outbox.Entry) -> Outbox.Entry? {
        guard case .outage(var o) = entry.event.payload, o.underVoltageSeen != nil || o.throttledSeen != nil else {
            return nil
        }
        o.underVoltageSeen = nil
        o.throttledSeen = nil
        var plain = entry
        plain.event.payload = .outage(o)
        return plain
    }
}
