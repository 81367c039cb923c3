import DowntimeProtocol

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Whether the collector answers, kept as an interval: from the first request that got no answer to the
/// next heartbeat it answers, then sent as a `collector_unreachable` event (DESIGN: Outbox). The start is
/// kept in the state folder, so that a restart (or a reboot) still reports the whole interval.
public final class Reachability {
    static let markFile = "unreachable_since"
    let folder: StateFolder
    let log: Log
    /// When the collector was first found unreachable in the current run of failures.
    public private(set) var since: Date?

    /// Picks up the interval a previous run left open.
    init(folder: StateFolder, log: Log) {
        self.folder = folder
        self.log = log
        since = folder.readLine(Self.markFile).flatMap(WireTime.parse)
    }

    /// A request got no answer: the interval begins, unless it has already.
    func lost(_ now: BootSnapshot, _ why: String) {
        guard since == nil else { return }
        since = now.now
        log.warning("collector unreachable: \(why)")
        // While the folder fails, its retry writes the mark.
        guard folder.isHealthy else { return }
        try? folder.writeLine(WireTime.format(now.now), to: Self.markFile)
    }

    /// The collector answered: the interval ends and goes to the outbox. True when there was one.
    @discardableResult
    func regained(_ now: BootSnapshot) -> Bool {
        guard let since else { return false }
        self.since = nil
        let end = max(now.now, since)
        log.notice("collector reachable again after \(GapDetector.seconds(end.timeIntervalSince(since)))")
        if WireTime.validRange.contains(since) {
            // Named by its start: a crash before the mark is gone re-sends the same event.
            folder.enqueue(
                .collectorUnreachable(start: since, end: end), at: now,
                id: DerivedID.uuid("unreachable|\(folder.device)|\(WireTime.format(since))"))
        }
        if folder.isHealthy { try? folder.remove(Self.markFile) }
        return true
    }

    /// Writes the mark as memory has it, for the retry of a failing folder.
    func saveMark() throws(FileError) {
        if let since {
            try folder.writeLine(WireTime.format(since), to: Self.markFile)
        } else {
            // Reachable again while failing: the old mark must not report a stale interval after a restart.
            try folder.remove(Self.markFile)
        }
    }
}
