import DowntimeProtocol

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Pure: which outbox entries go in the next batch, and how they are dated at sending (DESIGN: Outbox).
///
/// An event observed while the wall clock was implausible (a Pi without RTC before NTP) is dated from the
/// boot clock once the wall clock is right, and holds back everything after it until then.
public enum OutboxDating {
    /// Under the collector's default 64 KiB body limit.
    static let maxBatchBytes = 48 * 1024

    /// The oldest entries, dated as of `now`, within the batch limits.
    static func nextBatch(_ entries: [Outbox.Entry], now: BootSnapshot, maxBytes: Int = maxBatchBytes)
        -> [Outbox.Entry]
    {
        var batch: [Outbox.Entry] = []
        var size = 0
        for entry in entries {
            if batch.count == EventBatch.maxEvents || (size + entry.size > maxBytes && !batch.isEmpty) { break }
            guard let dated = dated(entry, now: now) else { break }
            batch.append(dated)
            size += entry.size
        }
        return batch
    }

    /// The entry as it is sent at `now`; nil while it must wait for a plausible wall clock.
    static func dated(_ entry: Outbox.Entry, now: BootSnapshot) -> Outbox.Entry? {
        let plausible = WireTime.validRange
        var entry = entry
        if !plausible.contains(entry.event.at) {
            guard plausible.contains(now.now) else { return nil }
            entry.event.at = entry.bootID == now.bootID ? now.now - max(0, now.uptime - entry.uptime) : now.now
            if !plausible.contains(entry.event.at) { entry.event.at = now.now }
        }
        if entry.bootID == now.bootID { entry.event.payload = reanchored(entry.event.payload, now) }
        return entry
    }

    /// An outage without an end carries `uptime_s` so the collector can date the boot as receipt
    /// time − uptime: that only holds for the uptime at sending, not at spooling. Once the clock is
    /// synced, the agent dates the end itself.
    static func reanchored(_ payload: Event.Payload, _ now: BootSnapshot) -> Event.Payload {
        guard case .outage(var o) = payload, o.end == nil, o.uptimeS != nil else { return payload }
        let backAt = now.now - now.uptime
        if now.clockSynced, WireTime.validRange.contains(now.now), WireTime.validRange.contains(backAt) {
            o = o.anchored(bootedAt: backAt)
            o.uptimeS = nil
            o.clockSynced = true
        } else {
            o.uptimeS = GapDetector.rounded(now.uptime)
        }
        return .outage(o)
    }
}
