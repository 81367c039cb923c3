import CollectorRules
import Foundation
import Logging

/// Sends each channel's digest when it falls due (`digest=`, docs/DESIGN.md "Digests"): only the leader ticks it.
/// When is `DigestSchedule`'s pure decision; the slot sent is stored (`DigestLog`) once the digest was handed to
/// the notifier, as the notification cursor moves once its messages were, so that a restart or a new leader sends
/// a digest that fell due while none ran, and none twice.
public actor Digests {
    let channels: [(spec: NotifierSpec, schedule: DigestSchedule)]
    let notifier: Notifier
    let source: DigestSource
    let log: (any DigestLog)?
    let time: LocalTime
    let logger: Logger
    /// The last slot known sent (or the baseline) per channel; checked against the store before acting on it (after a
    /// lost lead it may be behind, never ahead).
    private var sent: [String: Date] = [:]
    /// Slots sent whose record the store did not take yet (tried again every tick: never sent twice meanwhile).
    private var unstored: [String: Date] = [:]

    init(
        specs: [NotifierSpec], notifier: Notifier, source: DigestSource, store: any Store, time: LocalTime,
        logger: Logger
    ) {
        channels = specs.compactMap { spec in spec.digest.map { (spec, $0) } }
        self.notifier = notifier
        self.source = source
        log = store as? any DigestLog
        self.time = time
        self.logger = logger
    }

    nonisolated var isEmpty: Bool { channels.isEmpty }

    /// Sends the digests due at `now` (the leader, every tick).
    func tick(now: Date) async {
        // A slot sent whose record the store did not take: nothing more until it does.
        guard await storeSent() else { return }
        for (spec, schedule) in channels {
            // Most ticks: nothing due by memory, no store read.
            if case .wait = schedule.decide(lastSent: sent[spec.name], now: now, zone: time.zone) { continue }
            do {
                // Acting on memory alone could repeat what another leader did since: the store has the last word.
                let stored = try await log?.digestSent(channel: spec.name)
                let known = [sent[spec.name], stored].compactMap { $0 }.max()
                sent[spec.name] = known
                switch schedule.decide(lastSent: known, now: now, zone: time.zone) {
                case .wait: continue
                case .baseline(let slot): record(spec.name, slot)
                case .rewind(let slot):
                    // Written at once (not through `unstored`, which only moves slots forward).
                    if try await log?.rewindDigestSent(channel: spec.name, slot: slot, now: now) ?? true {
                        logger.notice(
                            "digest for \(spec.name): the slot recorded was ahead of the clock; back to \(time.stamp(slot))"
                        )
                    }
                    sent[spec.name] = slot
                    unstored[spec.name] = nil
                case .send(let period):
                    let report = try await source.report(period: period, now: now)
                    await notifier.send(DigestWriter.notification(report, schedule: schedule, time: time), via: spec)
                    logger.info("digest for \(spec.name) sent (\(time.span(period.start, period.end)))")
                    record(spec.name, period.end)
                }
            } catch {
                logger.error("digest for \(spec.name): \(error)")
            }
        }
        await storeSent()
    }

    /// Records the slots sent that the store has not taken yet; returns whether it took them all.
    @discardableResult
    private func storeSent() async -> Bool {
        for (channel, slot) in unstored.sorted(by: { $0.key < $1.key }) {
            do {
                try await log?.setDigestSent(channel: channel, slot: slot)
                unstored[channel] = nil
            } catch {
                logger.error("recording the digest sent for \(channel) failed: \(error)")
                return false
            }
        }
        return true
    }

    private func record(_ name: String, _ slot: Date) {
        sent[name] = slot
        unstored[name] = slot
    }

    /// `notify digest NAME`: the channel's digest for the period ending now, sent once (not recorded: the scheduled
    /// ones still go). Returns whether it got through and the last attempt's words.
    public static func sendNow(
        _ spec: NotifierSpec, store: any Store, settings: DigestSource.Settings, logger: Logger, now: Date = Date()
    ) async throws -> (sent: Bool, detail: String) {
        let source = try await DigestSource.standalone(store: store, settings: settings)
        let schedule = spec.digest ?? DigestSchedule(every: .daily, hour: 0, minute: 0)
        let report = try await source.report(period: schedule.period(endingAt: now), now: now)
        let notifier = Notifier(
            specs: [spec], planner: NotificationPlanner(), store: store, logger: logger, backoff: [])
        let n = DigestWriter.notification(report, schedule: spec.digest, time: settings.time)
        let sent = await notifier.deliver(n, via: spec)
        let attempt = try await LogReader(store: store).deliveries(device: "digest", limit: 1).first
        return (sent, attempt?.detail ?? "")
    }
}
